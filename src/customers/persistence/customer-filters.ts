import type { Condition } from '../../database/document-reader';
import { CustomerStatus, HIDDEN_BY_DEFAULT } from '../domain/customer-rules';
import { searchCriteria } from '../domain/search-keys';

/** The search as a read-port condition (undefined: no search): every term among the search keys. */
export function customerSearchCondition(search: string | undefined): Condition | undefined {
  const terms = searchCriteria(search);
  return terms.length === 0
    ? undefined
    : { field: 'search_keys', type: 'string', op: 'containsAll', values: terms };
}

/** The list's `status`: the statuses named, or all but those hidden by default. */
export function customerStatusCondition(statuses: CustomerStatus[] | undefined): Condition {
  const field = 'status';
  if (statuses && statuses.length === 1) return { field, type: 'string', op: 'eq', value: statuses[0] };
  if (statuses && statuses.length > 1) return { field, type: 'string', op: 'in', values: statuses };
  // One `ne` is pushed down on every engine; a `nin` may not be.
  if (HIDDEN_BY_DEFAULT.length === 1)
    return { field, type: 'string', op: 'ne', value: HIDDEN_BY_DEFAULT[0] };
  return { field, type: 'string', op: 'nin', values: [...HIDDEN_BY_DEFAULT] };
}
