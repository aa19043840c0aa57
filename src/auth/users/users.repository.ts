import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { READ_CONNECTION } from '../../database/database.constants';
import { Role, TokenIdentity } from '../roles';
import { IdentityCache } from './identity-cache';
import { User } from './user.schema';
import { isDuplicateKey, isWriteConflict } from '../../database/database-errors';
import { REVISION_FIELD } from '../../database/database.constants';

const UPDATE_ATTEMPTS = 5;
/** Every update of a user raises its revision: the storage refuses one computed from a stale read. */
const REVISION_BUMP = { [REVISION_FIELD]: 1 };

/**
 * Runs a conditional write again when the storage refused it as stale (another instance changed
 * the user meanwhile): its conditions are then checked against what that instance wrote.
 */
async function retryingStale<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!isWriteConflict(error) || attempt >= UPDATE_ATTEMPTS) throw error;
    }
  }
}

export interface UserRecord {
  username: string;
  passwordHash: string;
  role: Role;
  active: boolean;
  tokenGeneration: number;
  mustChangePassword: boolean;
  /** The confirmed TOTP secret; undefined without a second factor. */
  mfaSecret?: string;
  mfaPendingSecret?: string;
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
  async create(
    username: string,
    passwordHash: string,
    role: Role,
    mustChangePassword = false,
  ): Promise<UserRecord | undefined> {
    try {
      const doc = await this.users.create({
        username,
        password_hash: passwordHash,
        role,
        active: true,
        must_change_password: mustChangePassword,
      });
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
    if (changes.passwordHash !== undefined) {
      set.password_hash = changes.passwordHash;
      set.must_change_password = false;
    }
    const revokesTokens = changes.passwordHash !== undefined || changes.active === false;
    const inc = { ...(revokesTokens ? { token_generation: 1 } : {}), ...REVISION_BUMP };
    try {
      const doc = await retryingStale(() =>
        this.users
          .findOneAndUpdate({ username }, { $set: set, $inc: inc }, { returnDocument: 'after' })
          .lean<User>()
          .exec(),
      );
      return doc ? toRecord(doc) : undefined;
    } finally {
      // Also when the write failed: it may have been applied all the same.
      this.identities.invalidate();
    }
  }

  async requirePasswordChange(username: string): Promise<void> {
    try {
      await retryingStale(() =>
        this.users
          .updateOne({ username }, { $set: { must_change_password: true }, $inc: REVISION_BUMP })
          .exec(),
      );
    } finally {
      this.identities.invalidate();
    }
  }

  /** Keeps the secret an enrolment handed out until its first code confirms it. */
  async setPendingMfaSecret(username: string, secret: string): Promise<boolean> {
    const result = await retryingStale(() =>
      this.users
        .updateOne({ username, mfa_secret: null }, { $set: { mfa_pending_secret: secret }, $inc: REVISION_BUMP })
        .exec(),
    );
    return result.matchedCount === 1;
  }

  /** Turns the pending secret on, if it is still the one the code was checked against. */
  async confirmMfa(username: string, secret: string, step: number, recoveryHashes: string[]): Promise<boolean> {
    const result = await retryingStale(() =>
      this.users
        .updateOne(
          { username, mfa_pending_secret: secret, mfa_secret: null },
          {
            $set: { mfa_secret: secret, mfa_last_step: step, mfa_recovery_hashes: recoveryHashes },
            $unset: { mfa_pending_secret: 1 },
            $inc: REVISION_BUMP,
          },
        )
        .exec(),
    );
    return result.matchedCount === 1;
  }

  /** Records the time step of an accepted code; false when that step or a later one was used already. */
  async acceptMfaStep(username: string, secret: string, step: number): Promise<boolean> {
    const result = await retryingStale(() =>
      this.users
        .updateOne(
          { username, mfa_secret: secret, mfa_last_step: trusted({ $lt: step }) },
          { $set: { mfa_last_step: step }, $inc: REVISION_BUMP },
        )
        .exec(),
    );
    return result.matchedCount === 1;
  }

  /** Spends one recovery code; false when it is not (or no longer) one of the user's. */
  async spendRecoveryCode(username: string, codeHash: string): Promise<boolean> {
    const result = await retryingStale(() =>
      this.users
        .updateOne(
          { username, mfa_recovery_hashes: codeHash },
          { $pull: { mfa_recovery_hashes: codeHash }, $inc: REVISION_BUMP },
        )
        .exec(),
    );
    return result.modifiedCount === 1;
  }

  /** An admin's reset: the second factor is gone and the user's tokens stop working. */
  async resetMfa(username: string): Promise<boolean> {
    try {
      const result = await retryingStale(() =>
        this.users
          .updateOne(
            { username },
            {
              $unset: { mfa_secret: 1, mfa_pending_secret: 1, mfa_last_step: 1, mfa_recovery_hashes: 1 },
              $inc: { token_generation: 1, ...REVISION_BUMP },
            },
          )
          .exec(),
      );
      return result.matchedCount === 1;
    } finally {
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
    mustChangePassword: doc.must_change_password === true,
    mfaSecret: doc.mfa_secret ?? undefined,
    mfaPendingSecret: doc.mfa_pending_secret ?? undefined,
    createdAt: doc.created_at,
    updatedAt: doc.updated_at,
  };
}
