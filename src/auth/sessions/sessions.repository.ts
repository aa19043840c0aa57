import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { READ_CONNECTION } from '../../database/database.constants';
import { RevokedToken } from './revoked-token.schema';
import { UsedCode } from './used-code.schema';

const DUPLICATE_KEY = 11000;
const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === DUPLICATE_KEY;

/** Signed-out tokens and spent second-factor codes: records that matter only until they expire. */
@Injectable()
export class SessionsRepository {
  constructor(
    @InjectModel(RevokedToken.name) private readonly revoked: Model<RevokedToken>,
    // Read on every authenticated request: the read pool.
    @InjectModel(RevokedToken.name, READ_CONNECTION)
    private readonly revokedReads: Model<RevokedToken>,
    @InjectModel(UsedCode.name) private readonly usedCodes: Model<UsedCode>,
  ) {}

  async revoke(jti: string, expiresAt: Date): Promise<void> {
    try {
      await this.revoked.create({ jti, expires_at: expiresAt });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /** One equality read of an indexed field, against the database every instance shares. */
  async isRevoked(jti: string): Promise<boolean> {
    const doc = await this.revokedReads.findOne({ jti }, { _id: 1 }).lean().exec();
    return doc !== null;
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
