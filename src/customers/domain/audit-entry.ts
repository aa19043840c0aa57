import type { Caller } from '../../auth/caller';
import type { CustomerStatus, TransactionType } from './customer-rules';

/** What a customer's audit entry says happened. The audit trail (src/audit) stores and serves them. */
export const AUDIT_ACTIONS = [
  'customer.created',
  'customer.updated',
  'customer.status_changed',
  'customer.transaction_recorded',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

/**
 * One audit record of a customer change, written in the same atomic write as the change it
 * describes (in the customer's outbox), until the audit relay copies it to the audit trail.
 */
export interface AuditEntry {
  action: AuditAction;
  at: Date;
  actor: { username: string; role: string };
  phone_number: string;
  /** The customer's version after the change: a customer's history is in this order. */
  version: number;
  request_id: string;
  reason?: string;
  from_status?: CustomerStatus;
  to_status?: CustomerStatus;
  changes?: FieldChanges;
  transaction_type?: TransactionType;
}

export type AuditDetails = Pick<
  AuditEntry,
  'reason' | 'from_status' | 'to_status' | 'changes' | 'transaction_type'
>;

/** The entry of a change that takes the customer to `version`. */
export function newAuditEntry(
  action: AuditAction,
  caller: Caller,
  customer: { phone_number: string; version: number },
  at: Date,
  details: AuditDetails = {},
): AuditEntry {
  const entry: AuditEntry = {
    action,
    at,
    actor: { username: caller.user.username, role: caller.user.role },
    phone_number: customer.phone_number,
    version: customer.version,
    request_id: caller.requestId,
  };
  for (const [key, value] of Object.entries(details)) {
    if (value !== undefined) (entry as unknown as Record<string, unknown>)[key] = value;
  }
  return entry;
}
