import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AuditRelay } from './audit-relay.service';
import { CustomerAuditedEvent } from '../customers/domain/customer-events';

/** Relays a customer's audit outbox as soon as a change announces itself, off the request path. */
@Injectable()
export class AuditListener {
  constructor(private readonly relay: AuditRelay) {}

  @OnEvent('customer.created', { async: true })
  @OnEvent('customer.updated', { async: true })
  @OnEvent('customer.status_changed', { async: true })
  @OnEvent('customer.transaction_recorded', { async: true })
  handle(event: CustomerAuditedEvent): Promise<void> {
    return this.relay.relayWithRetry(event.customerId);
  }
}
