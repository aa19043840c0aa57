import { AuditEventRecord } from '../audit.repository';
import { AuditEventResponseDto } from './audit.dto';

const OPTIONAL_FIELDS = [
  'version',
  'reason',
  'from_status',
  'to_status',
  'changes',
  'transaction_type',
] as const;

export function toAuditEventResponse(event: AuditEventRecord): AuditEventResponseDto {
  const response: AuditEventResponseDto = {
    action: event.action,
    at: event.at.toISOString(),
    actor: { username: event.actor.username, role: event.actor.role },
    phone_number: event.phone_number,
    request_id: event.request_id,
  };
  for (const field of OPTIONAL_FIELDS) {
    if (event[field] != null)
      (response as unknown as Record<string, unknown>)[field] = event[field];
  }
  // Storage drops an empty object: an update that repeated the current values changed nothing.
  if (event.action === 'customer.updated') response.changes ??= {};
  return response;
}
