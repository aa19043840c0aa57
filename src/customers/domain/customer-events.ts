import { AuditAction } from './audit-entry';

/**
 * Domain events a customer write emits once its audit entry sits in the outbox. The audit relay
 * listens to all of them; the entry itself travels in the customer document, not in the event,
 * so a lost event loses nothing (the sweep picks the entry up).
 */
export abstract class CustomerAuditedEvent {
  abstract readonly name: AuditAction;
  constructor(readonly customerId: string) {}
}

export class CustomerCreatedEvent extends CustomerAuditedEvent {
  readonly name = 'customer.created' as const;
}

export class CustomerUpdatedEvent extends CustomerAuditedEvent {
  readonly name = 'customer.updated' as const;
}

export class CustomerStatusChangedEvent extends CustomerAuditedEvent {
  readonly name = 'customer.status_changed' as const;
}

export class CustomerTransactionRecordedEvent extends CustomerAuditedEvent {
  readonly name = 'customer.transaction_recorded' as const;
}
