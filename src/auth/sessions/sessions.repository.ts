import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { isDuplicateKey } from '../../database/database-errors';
import { DocumentReader } from '../../database/document-reader';
import { RevokedToken } from './revoked-token.schema';
import { UsedCode } from './used-code.schema';

/** Signed-out tokens and spent second-factor codes: records that matter only until they expire. */
@Injectable()
export class SessionsRepository {
  constructor(
    @InjectModel(RevokedToken.name) private readonly revoked: Model<RevokedToken>,
    @InjectModel(UsedCode.name) private readonly usedCodes: Model<UsedCode>,
    private readonly documents: DocumentReader,
  ) {}

  async revoke(jti: string, expiresAt: Date): Promise<void> {
    try {
      await this.revoked.create({ jti, expires_at: expiresAt });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /**
   * One equality read of an indexed field, against the database every instance shares, through
   * the read port (on the embedded database: SQL, without a FerretDB round trip per request).
   */
  async isRevoked(jti: string): Promise<boolean> {
    const found = await this.documents.find({
      collection: 'revoked_tokens',
      where: [{ field: 'jti', type: 'string', op: 'eq', value: jti }],
      sort: [],
      order: 'asc',
      skip: 0,
      limit: 1,
      select: {},
    });
    return found.length > 0;
  }

  /** Claims a code for its one use: false when it was claimed before (by any instance). */
  async claimCode(key: string, expiresAt: Date): Promise<boolean> {
    try {
      await this.usedCodes.create({ _id: key, expires_at: expiresAt });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Deletes what has expired; returns how many records went. */
  async purgeExpired(now = new Date()): Promise<number> {
    const before = trusted({ $lt: now });
    const [tokens, codes] = await Promise.all([
      this.revoked.deleteMany({ expires_at: before }).exec(),
      this.usedCodes.deleteMany({ expires_at: before }).exec(),
    ]);
    return tokens.deletedCount + codes.deletedCount;
  }
}
