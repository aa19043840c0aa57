import { trusted } from 'mongoose';
import type { DatabaseEngine } from '../../database/database-engine';
import { CustomerStatus, HIDDEN_BY_DEFAULT } from '../domain/customer-rules';
import { searchCriteria } from '../domain/search-keys';

/** The filter for a search string: every term among the customer's search keys. */
export function customerSearchFilter(
  search: string | undefined,
  engine: DatabaseEngine,
): Record<string, unknown> {
  const terms = searchCriteria(search);
  return terms.length === 0 ? {} : engine.containsAll('search_keys', terms);
}

/** The filter for the list's `status`: the statuses named, or all but those hidden by default. */
export function customerStatusFilter(
  statuses: CustomerStatus[] | undefined,
  engine: DatabaseEngine,
): Record<string, unknown> {
  if (statuses && statuses.length === 1) return { status: statuses[0] };
  if (statuses && statuses.length > 1) return { status: trusted({ $in: statuses }) };
  return engine.noneOf('status', HIDDEN_BY_DEFAULT);
}
