import { AccessLogEntry } from '../access-log-entry.schema';
import { AccessLogEntryResponseDto } from './access-log.dto';

export function toAccessLogResponse(entry: AccessLogEntry): AccessLogEntryResponseDto {
  return {
    at: entry.at.toISOString(),
    actor: { username: entry.actor, role: entry.actor_role },
    phone_number: entry.phone_number,
    route: entry.route,
    request_id: entry.request_id,
  };
}
