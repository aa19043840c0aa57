import { Types } from 'mongoose';
import type { AuditEntry } from '../domain/audit-entry';
import type { CustomerProfile, CustomerRecord } from '../domain/customer';
import { SEARCH_KEYS_VERSION, searchKeysFor, sortKey } from '../domain/search-keys';
import { Customer } from './customer.schema';

/** An audit entry as it waits in a customer's outbox: with the id it keeps in the audit trail. */
export type PendingAuditEntry = AuditEntry & { id: Types.ObjectId };

export const pendingEntry = (entry: AuditEntry): PendingAuditEntry => ({
  id: new Types.ObjectId(),
  ...entry,
});

/** The storage-only fields, left out of every read that maps to a CustomerRecord. */
export const INTERNAL_FIELDS = {
  search_keys: 0,
  search_keys_version: 0,
  first_name_sort: 0,
  last_name_sort: 0,
  pending_audit: 0,
  audit_pending: 0,
  idempotency_keys: 0,
} as const;

/** Search and sort keys, derived from the names and phone on every write that may change them. */
export function derivedFields(
  profile: Pick<CustomerProfile, 'phone_number' | 'first_name' | 'last_name'>,
) {
  return {
    search_keys: searchKeysFor(profile),
    first_name_sort: sortKey(profile.first_name),
    last_name_sort: sortKey(profile.last_name),
    search_keys_version: SEARCH_KEYS_VERSION,
  };
}

export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && v !== null),
  ) as Partial<T>;
}

export function toRecord(doc: Customer): CustomerRecord {
  const record: CustomerRecord = {
    id: doc._id.toHexString(),
    phone_number: doc.phone_number,
    first_name: doc.first_name,
    last_name: doc.last_name,
    status: doc.status,
    total_transactions: doc.total_transactions,
    active_loans: doc.active_loans,
    version: doc.version,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
  };
  if (doc.email != null) record.email = doc.email;
  if (doc.notes != null) record.notes = doc.notes;
  return record;
}
