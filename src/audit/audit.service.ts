import { Injectable } from '@nestjs/common';
import { ApiException, validationFailed } from '../common/problem/api-exception';
import { CustomerReadsRepository } from '../customers/persistence/customer-reads.repository';
import { PageQueryDto, pageOf, skipOf } from '../common/pagination/page.dto';
import { AuditRelay } from './audit-relay.service';
import { AuditCriteria, AuditRepository } from './audit.repository';
import { AuditEventPageResponseDto, AuditListQueryDto } from './dto/audit.dto';
import { toAuditEventResponse } from './dto/audit.mapper';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** `until` as an instant: a plain date means the last millisecond of that day (UTC). */
const endOf = (until: string) =>
  DATE_ONLY.test(until) ? new Date(Date.parse(until) + DAY_MS - 1) : new Date(until);

/** Reads of the audit trail. Each read first relays what waits in the outboxes, so it sees every write before it. */
@Injectable()
export class AuditService {
  constructor(
    private readonly customers: CustomerReadsRepository,
    private readonly audit: AuditRepository,
    private readonly relay: AuditRelay,
  ) {}

  async history(phone: string, page: PageQueryDto): Promise<AuditEventPageResponseDto> {
    const customerId = await this.customers.idByPhone(phone);
    if (!customerId)
      throw new ApiException(404, 'CUSTOMER_NOT_FOUND', `No customer has phone number ${phone}.`);
    await this.relay.relay(customerId);
    return this.find({ customerId }, page);
  }

  async list(query: AuditListQueryDto): Promise<AuditEventPageResponseDto> {
    const since = query.since ? new Date(query.since) : undefined;
    const until = query.until ? endOf(query.until) : undefined;
    if (since && until && since > until) {
      throw validationFailed([{ field: 'until', message: 'until must not be before since' }]);
    }
    await this.relay.sweep();
    const criteria: AuditCriteria = { action: query.action, actor: query.actor, since, until };
    if (query.phone)
      criteria.phone = {
        phoneNumber: query.phone,
        holderId: await this.customers.idByPhone(query.phone),
      };
    return this.find(criteria, query);
  }

  private async find(
    criteria: AuditCriteria,
    page: PageQueryDto,
  ): Promise<AuditEventPageResponseDto> {
    const { items, total } = await this.audit.find(criteria, skipOf(page), page.per_page);
    return pageOf(items.map(toAuditEventResponse), total, page);
  }
}
