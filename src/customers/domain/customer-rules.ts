/**
 * The customer rules that are tables: status transitions and transaction effects. The service
 * turns a row into one conditional write, so the database enforces the row atomically.
 */
export const CUSTOMER_STATUSES = [
  'active',
  'suspended',
  'banned',
  'deactivated',
  'archived',
] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

/** Without a `status` filter the list leaves these out (a shop's "include inactive" switch). */
export const HIDDEN_BY_DEFAULT: readonly CustomerStatus[] = ['archived'];

export const STATUS_ACTIONS = ['suspend', 'ban', 'reactivate', 'deactivate', 'archive'] as const;
export type StatusAction = (typeof STATUS_ACTIONS)[number];

export interface StatusTransition {
  from: readonly CustomerStatus[];
  to: CustomerStatus;
  requiresNoActiveLoans: boolean;
}

export const STATUS_TRANSITIONS: Record<StatusAction, StatusTransition> = {
  suspend: { from: ['active'], to: 'suspended', requiresNoActiveLoans: false },
  ban: { from: ['active', 'suspended'], to: 'banned', requiresNoActiveLoans: false },
  reactivate: {
    from: ['suspended', 'banned', 'deactivated'],
    to: 'active',
    requiresNoActiveLoans: false,
  },
  deactivate: { from: ['active', 'suspended'], to: 'deactivated', requiresNoActiveLoans: true },
  archive: {
    from: ['active', 'suspended', 'banned', 'deactivated'],
    to: 'archived',
    requiresNoActiveLoans: true,
  },
};

/** "a", "a or b", "a, b or c". */
export const orList = (items: readonly string[]) =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;

/** A transition as one line of prose, from the table: "active or suspended → deactivated (no active loans)". */
export function describeTransition(action: StatusAction): string {
  const { from, to, requiresNoActiveLoans } = STATUS_TRANSITIONS[action];
  return `${orList(from)} → ${to}${requiresNoActiveLoans ? ' (no active loans)' : ''}`;
}

export const TRANSACTION_TYPES = [
  'loan_opened',
  'loan_redeemed',
  'loan_forfeited',
  'purchase',
  'sale',
  'payment',
] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

export interface TransactionEffect {
  activeLoans: number;
  totalTransactions: number;
  requiresActiveCustomer: boolean;
  requiresActiveLoan: boolean;
}

const counted = (activeLoans: number, requiresActiveLoan = false): TransactionEffect => ({
  activeLoans,
  totalTransactions: 1,
  requiresActiveCustomer: true,
  requiresActiveLoan,
});

export const TRANSACTION_EFFECTS: Record<TransactionType, TransactionEffect> = {
  loan_opened: counted(+1),
  loan_redeemed: counted(-1, true),
  // A forfeit closes the loan whatever the customer's standing; it is not a new transaction.
  loan_forfeited: {
    activeLoans: -1,
    totalTransactions: 0,
    requiresActiveCustomer: false,
    requiresActiveLoan: true,
  },
  purchase: counted(0),
  sale: counted(0),
  payment: counted(0),
};

export interface CustomerState {
  status: CustomerStatus;
  active_loans: number;
}

export type TransitionRefusal = 'INVALID_STATUS_TRANSITION' | 'CUSTOMER_HAS_ACTIVE_LOANS';
export type TransactionRefusal = 'CUSTOMER_NOT_ACTIVE' | 'NO_ACTIVE_LOANS';

/** Why `action` may not apply to a customer in `state`; undefined when it may. */
export function transitionRefusal(
  action: StatusAction,
  state: CustomerState,
): TransitionRefusal | undefined {
  const transition = STATUS_TRANSITIONS[action];
  if (!transition.from.includes(state.status)) return 'INVALID_STATUS_TRANSITION';
  if (transition.requiresNoActiveLoans && state.active_loans > 0)
    return 'CUSTOMER_HAS_ACTIVE_LOANS';
  return undefined;
}

/** Why a transaction of `type` may not be recorded for a customer in `state`; undefined when it may. */
export function transactionRefusal(
  type: TransactionType,
  state: CustomerState,
): TransactionRefusal | undefined {
  const effect = TRANSACTION_EFFECTS[type];
  if (effect.requiresActiveCustomer && state.status !== 'active') return 'CUSTOMER_NOT_ACTIVE';
  if (effect.requiresActiveLoan && state.active_loans <= 0) return 'NO_ACTIVE_LOANS';
  return undefined;
}
