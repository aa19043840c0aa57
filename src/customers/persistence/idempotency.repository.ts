import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { TransactionType } from '../domain/customer-rules';
import { DatabaseEngine } from '../../database/database-engine';
import { IdempotencyRecord } from './idempotency-record.schema';

export interface StoredResponse<T> {
  type: TransactionType;
  response: T;
}

/** First responses to keyed transactions, so that a retry can be answered with them. */
@Injectable()
export class IdempotencyRepository {
  constructor(
    @InjectModel(IdempotencyRecord.name) private readonly records: Model<IdempotencyRecord>,
    private readonly engine: DatabaseEngine,
  ) {}

  async save<T extends object>(
    customerId: string,
    key: string,
    type: TransactionType,
    response: T,
  ): Promise<void> {
    await this.records
      .create({
        _id: recordId(customerId, key),
        customer_id: new Types.ObjectId(customerId),
        type,
        response,
        at: new Date(),
      })
      .catch((error: unknown) => {
        // The key's transaction is applied once, so only a replay could get here first: keep it.
        if (!this.engine.isDuplicateKey(error)) throw error;
      });
  }

  /** Forgets the responses stored before `cutoff`; returns how many. */
  async purgeOlderThan(cutoff: Date): Promise<number> {
    const result = await this.records.deleteMany({ at: trusted({ $lt: cutoff }) }).exec();
    return result.deletedCount;
  }

  async find<T>(customerId: string, key: string): Promise<StoredResponse<T> | undefined> {
    const doc = await this.records
      .findOne({ _id: recordId(customerId, key) })
      .lean<IdempotencyRecord>()
      .exec();
    return doc ? { type: doc.type, response: doc.response as T } : undefined;
  }
}

const recordId = (customerId: string, key: string) => `${customerId}:${key}`;
