import {
  CUSTOMER_STATUSES,
  CustomerStatus,
  STATUS_ACTIONS,
  StatusAction,
  TRANSACTION_EFFECTS,
  TRANSACTION_TYPES,
  transactionRefusal,
  transitionRefusal,
} from './customer-rules';

/** The SPEC's transition table, written out independently of the implementation. */
const ALLOWED: Record<StatusAction, CustomerStatus[]> = {
  suspend: ['active'],
  ban: ['active', 'suspended'],
  reactivate: ['suspended', 'banned', 'deactivated'],
  deactivate: ['active', 'suspended'],
  archive: ['active', 'suspended', 'banned', 'deactivated'],
};
const NEEDS_NO_LOANS: StatusAction[] = ['deactivate', 'archive'];

describe('status transitions', () => {
  for (const action of STATUS_ACTIONS) {
    for (const status of CUSTOMER_STATUSES) {
      const allowed = ALLOWED[action].includes(status);
      it(`${action} from ${status} without loans is ${allowed ? 'allowed' : 'refused'}`, () => {
        expect(transitionRefusal(action, { status, active_loans: 0 })).toBe(
          allowed ? undefined : 'INVALID_STATUS_TRANSITION',
        );
      });
      it(`${action} from ${status} with a loan`, () => {
        const expected = !allowed
          ? 'INVALID_STATUS_TRANSITION'
          : NEEDS_NO_LOANS.includes(action)
            ? 'CUSTOMER_HAS_ACTIVE_LOANS'
            : undefined;
        expect(transitionRefusal(action, { status, active_loans: 1 })).toBe(expected);
      });
    }
  }
});

describe('transactions', () => {
  it('has the SPEC effects', () => {
    expect(TRANSACTION_EFFECTS).toEqual({
      loan_opened: {
        activeLoans: 1,
        totalTransactions: 1,
        requiresActiveCustomer: true,
        requiresActiveLoan: false,
      },
      loan_redeemed: {
        activeLoans: -1,
        totalTransactions: 1,
        requiresActiveCustomer: true,
        requiresActiveLoan: true,
      },
      loan_forfeited: {
        activeLoans: -1,
        totalTransactions: 0,
        requiresActiveCustomer: false,
        requiresActiveLoan: true,
      },
      purchase: {
        activeLoans: 0,
        totalTransactions: 1,
        requiresActiveCustomer: true,
        requiresActiveLoan: false,
      },
      sale: {
        activeLoans: 0,
        totalTransactions: 1,
        requiresActiveCustomer: true,
        requiresActiveLoan: false,
      },
      payment: {
        activeLoans: 0,
        totalTransactions: 1,
        requiresActiveCustomer: true,
        requiresActiveLoan: false,
      },
    });
  });

  for (const type of TRANSACTION_TYPES) {
    for (const status of CUSTOMER_STATUSES) {
      for (const loans of [0, 2]) {
        it(`${type} for a ${status} customer with ${loans} loans`, () => {
          const needsActive = type !== 'loan_forfeited';
          const needsLoan = type === 'loan_redeemed' || type === 'loan_forfeited';
          const expected =
            needsActive && status !== 'active'
              ? 'CUSTOMER_NOT_ACTIVE'
              : needsLoan && loans === 0
                ? 'NO_ACTIVE_LOANS'
                : undefined;
          expect(transactionRefusal(type, { status, active_loans: loans })).toBe(expected);
        });
      }
    }
  }
});
