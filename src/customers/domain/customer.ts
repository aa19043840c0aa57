import type { CustomerStatus } from './customer-rules';

/** A customer as the service sees it: no search keys, outbox or other storage details. */
export interface CustomerRecord {
  id: string;
  phone_number: string;
  first_name: string;
  last_name: string;
  email?: string;
  notes?: string;
  status: CustomerStatus;
  total_transactions: number;
  active_loans: number;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** The fields a create or an update sets. */
export type CustomerProfile = Pick<
  CustomerRecord,
  'phone_number' | 'first_name' | 'last_name' | 'email' | 'notes'
>;

export const PROFILE_FIELDS = ['phone_number', 'first_name', 'last_name', 'email', 'notes'] as const;

/** Profile fields to set, and optional ones to remove (`null`). */
export type ProfileChanges = { [K in keyof CustomerProfile]?: CustomerProfile[K] | null };

export const CUSTOMER_SORT_FIELDS = [
  'created_at',
  'updated_at',
  'first_name',
  'last_name',
  'phone_number',
  'total_transactions',
  'active_loans',
] as const;
export type CustomerSortField = (typeof CUSTOMER_SORT_FIELDS)[number];

export interface CustomerListCriteria {
  statuses?: CustomerStatus[];
  search?: string;
  sortBy: CustomerSortField;
  sortOrder: 'asc' | 'desc';
  skip: number;
  limit: number;
}

export interface CustomerStatsRecord {
  byStatus: Record<CustomerStatus, { count: number; activeLoans: number; transactions: number }>;
  customersWithActiveLoans: number;
  newCustomersSince: number;
}

/** A customer whose derived search keys are out of date, with what deriving them again needs. */
export interface StaleSearchKeys {
  id: string;
  version: number;
  profile: Pick<CustomerProfile, 'phone_number' | 'first_name' | 'last_name'>;
}
