import { Types } from 'mongoose';
import { AuthenticatedUser } from '../auth/roles';
import type { CustomerStatus, TransactionType } from '../customers/customer-rules';

export const AUDIT_ACTIONS = [
  'customer.created',
  'customer.updated',
  'customer.status_changed',
  'customer.transaction_recorded',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

/** Who acted, and under which request: every write records both. */
export interface Caller {
  user: AuthenticatedUser;
  requestId: string;
}

/**
 * One audit record as it waits in the customer's outbox (`pending_audit`), written in the same
 * atomic write as the change it describes, until the relay copies it to `audit_events`.
 */
export interface AuditEntry {
  id: Types.ObjectId;
  action: AuditAction;
  at: Date;
  actor: { username: string; role: string };
  phone_number: string;
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

export function newAuditEntry(
  action: AuditAction,
  caller: Caller,
  phoneNumber: string,
  at: Date,
  details: AuditDetails = {},
): AuditEntry {
  const entry: AuditEntry = {
    id: new Types.ObjectId(),
    action,
    at,
    actor: { username: caller.user.username, role: caller.user.role },
    phone_number: phoneNumber,
    request_id: caller.requestId,
  };
  for (const [key, value] of Object.entries(details)) {
    if (value !== undefined) (entry as unknown as Record<string, unknown>)[key] = value;
  }
  return entry;
}
