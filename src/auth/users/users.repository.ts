import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { READ_CONNECTION } from '../../database/database.constants';
import { Role, TokenIdentity } from '../roles';
import { IdentityCache } from './identity-cache';
import { User } from './user.schema';
import { isDuplicateKey, isWriteConflict } from '../../database/database-errors';
import { REVISION_FIELD } from '../../database/database.constants';

const UPDATE_ATTEMPTS = 5;

export interface UserRecord {
  username: string;
  passwordHash: string;
  role: Role;
  active: boolean;
  tokenGeneration: number;
  createdAt: Date;
  updatedAt: Date;
}

export type UserChanges = Partial<Pick<UserRecord, 'role' | 'active' | 'passwordHash'>>;


/** Users in MongoDB; returns plain records, never Mongoose documents. */
@Injectable()
export class UsersRepository {
  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    // Read on every request by the JWT strategy: its own pool (see DatabaseModule).
    @InjectModel(User.name, READ_CONNECTION) private readonly reads: Model<User>,
    @Inject(IdentityCache) private readonly identities: IdentityCache,
  ) {}

  /** The active user a token names, or null: what every authenticated request needs (cached). */
  async findActiveIdentity(username: string): Promise<TokenIdentity | null> {
    return this.identities.get(username, async () => {
      const doc = await this.reads
        .findOne({ username }, { username: 1, role: 1, active: 1, token_generation: 1 })
        .lean<User>()
        .exec();
      return doc?.active
        ? { username: doc.username, role: doc.role, tokenGeneration: doc.token_generation ?? 0 }
        : null;
    });
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const doc = await this.reads.findOne({ username }).lean<User>().exec();
    return doc ? toRecord(doc) : undefined;
  }

  /** A page of users by username, and how many there are in all. */
  async list(skip: number, limit: number): Promise<{ items: UserRecord[]; total: number }> {
    const [docs, total] = await Promise.all([
      this.users.find().sort({ username: 1 }).skip(skip).limit(limit).lean<User[]>().exec(),
      this.users.countDocuments().exec(),
    ]);
    return { items: docs.map(toRecord), total };
  }

  /** Inserts a user; returns undefined when the username is taken. */
  async create(username: string, passwordHash: string, role: Role): Promise<UserRecord | undefined> {
    try {
      const doc = await this.users.create({ username, password_hash: passwordHash, role, active: true });
      return toRecord(doc.toObject());
    } catch (error) {
      if (isDuplicateKey(error)) return undefined;
      throw error;
    } finally {
      this.identities.invalidate();
    }
  }

  /** Applies the changes; a new password or a disable also revokes every token issued so far. */
  async update(username: string, changes: UserChanges): Promise<UserRecord | undefined> {
    const set: Partial<User> = {};
    if (changes.role !== undefined) set.role = changes.role;
    if (changes.active !== undefined) set.active = changes.active;
    if (changes.passwordHash !== undefined) set.password_hash = changes.passwordHash;
    const revokesTokens = changes.passwordHash !== undefined || changes.active === false;
    const inc = { ...(revokesTokens ? { token_generation: 1 } : {}), [REVISION_FIELD]: 1 };
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const doc = await this.users
            .findOneAndUpdate({ username }, { $set: set, $inc: inc }, { returnDocument: 'after' })
            .lean<User>()
            .exec();
          return doc ? toRecord(doc) : undefined;
        } catch (error) {
          // Another instance changed the user meanwhile: apply the change to what it wrote.
          if (!isWriteConflict(error) || attempt >= UPDATE_ATTEMPTS) throw error;
        }
      }
    } finally {
      // Also when the write failed: it may have been applied all the same.
      this.identities.invalidate();
    }
  }

  async countActiveAdmins(): Promise<number> {
    return this.users.countDocuments({ role: 'admin', active: true }).exec();
  }
}

function toRecord(doc: User): UserRecord {
  return {
    username: doc.username,
    passwordHash: doc.password_hash,
    role: doc.role,
    active: doc.active,
    tokenGeneration: doc.token_generation ?? 0,
    createdAt: doc.created_at,
    updatedAt: doc.updated_at,
  };
}
