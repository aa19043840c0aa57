import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { DatabaseEngine } from '../../database/database-engine';
import { READ_CONNECTION } from '../../database/database.constants';
import type { StaleSearchKeys } from '../domain/customer';
import { SEARCH_KEYS_VERSION } from '../domain/search-keys';
import { derivedFields } from './customer-documents';
import { customerLock } from './customer-writes.repository';
import { Customer } from './customer.schema';

/** What the search-keys migration needs: customers with stale keys, and rewriting them. */
@Injectable()
export class SearchKeysRepository {
  constructor(
    @InjectModel(Customer.name) private readonly customers: Model<Customer>,
    @InjectModel(Customer.name, READ_CONNECTION) private readonly reads: Model<Customer>,
    private readonly engine: DatabaseEngine,
  ) {}

  /** Up to `limit` customers whose search and sort keys were derived by an older SEARCH_KEYS_VERSION. */
  async withStaleSearchKeys(limit: number): Promise<StaleSearchKeys[]> {
    const docs = await this.reads
      .find(
        { search_keys_version: trusted({ $ne: SEARCH_KEYS_VERSION }) },
        { _id: 1, version: 1, phone_number: 1, first_name: 1, last_name: 1 },
      )
      .limit(limit)
      .lean<Array<Customer & { _id: Types.ObjectId }>>()
      .exec();
    return docs.map(({ _id, version, phone_number, first_name, last_name }) => ({
      id: _id.toHexString(),
      version,
      profile: { phone_number, first_name, last_name },
    }));
  }

  /**
   * Rewrites one customer's derived keys from the names and phone read with them, if it is still
   * at that version (a write since then derived them already): one conditional write. Not a
   * change of the customer: no new version, no audit entry.
   */
  async rewriteSearchKeys({ id, version, profile }: StaleSearchKeys): Promise<boolean> {
    try {
      const result = await this.engine.exclusive(customerLock(id), () =>
        this.customers
          .updateOne(
            { _id: new Types.ObjectId(id), version },
            { $set: derivedFields(profile), $inc: this.engine.revisionBump },
          )
          .exec(),
      );
      return result.modifiedCount > 0;
    } catch (error) {
      // Written meanwhile by another instance, which derived the keys itself.
      if (this.engine.isWriteConflict(error)) return false;
      throw error;
    }
  }
}
