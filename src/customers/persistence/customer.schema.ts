import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';
import type { PendingAuditEntry } from './customer-documents';
import type { TypedField } from '../../database/document-reader';
import type { CustomerSortField } from '../domain/customer';
import { CUSTOMER_STATUSES, CustomerStatus } from '../domain/customer-rules';

/**
 * A customer. `_id` never changes, so audit history follows a customer across phone changes.
 * `version` grows by one on every write. `search_keys` and the `*_sort` fields are derived from
 * the names and phone on every write; `pending_audit` is the audit outbox; `idempotency_keys`
 * holds the latest transaction Idempotency-Keys.
 */
@Schema({ collection: 'customers', versionKey: false })
export class Customer {
  _id: Types.ObjectId;

  @Prop({ type: String, required: true })
  phone_number: string;

  @Prop({ type: String, required: true })
  first_name: string;

  @Prop({ type: String, required: true })
  last_name: string;

  @Prop({ type: String })
  email?: string;

  @Prop({ type: String })
  notes?: string;

  @Prop({ type: String, required: true, enum: CUSTOMER_STATUSES })
  status: CustomerStatus;

  @Prop({ type: Number, required: true })
  total_transactions: number;

  @Prop({ type: Number, required: true })
  active_loans: number;

  @Prop({ type: Number, required: true })
  version: number;

  @Prop({ type: Date, required: true })
  created_at: Date;

  @Prop({ type: Date, required: true })
  updated_at: Date;

  @Prop({ type: [String], required: true })
  search_keys: string[];

  @Prop({ type: String, required: true })
  first_name_sort: string;

  @Prop({ type: String, required: true })
  last_name_sort: string;

  /** How `search_keys` and the sort keys were derived (SEARCH_KEYS_VERSION); absent before 2. */
  @Prop({ type: Number })
  search_keys_version?: number;

  @Prop({ type: [MongooseSchema.Types.Mixed], required: true })
  pending_audit: PendingAuditEntry[];

  /** True while `pending_audit` may hold entries: an equality the sweep can find cheaply. */
  @Prop({ type: Boolean, required: true })
  audit_pending: boolean;

  @Prop({ type: [String], required: true })
  idempotency_keys: string[];

  /**
   * Raised by one on every write, the outbox's and the migration's too: the storage refuses an
   * update that does not raise it by exactly one (a write computed from a stale read).
   */
  @Prop({ type: Number })
  revision?: number;
}

export const CustomerSchema = SchemaFactory.createForClass(Customer);

CustomerSchema.index({ phone_number: 1 }, { unique: true });
CustomerSchema.index({ search_keys: 1 });
/** The keys of each sort_by choice, most significant first (`_id` is always added last). */
export const SORT_KEYS: Record<CustomerSortField, TypedField[]> = {
  created_at: [{ field: 'created_at', type: 'date' }],
  updated_at: [{ field: 'updated_at', type: 'date' }],
  first_name: [
    { field: 'first_name_sort', type: 'string' },
    { field: 'last_name_sort', type: 'string' },
  ],
  last_name: [
    { field: 'last_name_sort', type: 'string' },
    { field: 'first_name_sort', type: 'string' },
  ],
  phone_number: [{ field: 'phone_number', type: 'string' }],
  total_transactions: [{ field: 'total_transactions', type: 'number' }],
  active_loans: [{ field: 'active_loans', type: 'number' }],
};

// One index per sort_by choice: its keys in order, then _id, the tie-breaker every page adds.
for (const keys of Object.values(SORT_KEYS)) {
  CustomerSchema.index({ ...Object.fromEntries(keys.map(({ field }) => [field, 1])), _id: 1 });
}
CustomerSchema.index({ status: 1 });
CustomerSchema.index({ audit_pending: 1 });
