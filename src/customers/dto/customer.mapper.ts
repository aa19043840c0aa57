import { CustomerRecord } from '../domain/customer';
import { CustomerResponseDto } from './customer-response.dto';

/** The only way a customer leaves the service. */
export function toCustomerResponse(customer: CustomerRecord): CustomerResponseDto {
  const response: CustomerResponseDto = {
    phone_number: customer.phone_number,
    first_name: customer.first_name,
    last_name: customer.last_name,
    status: customer.status,
    total_transactions: customer.total_transactions,
    active_loans: customer.active_loans,
    version: customer.version,
    created_at: customer.created_at.toISOString(),
    updated_at: customer.updated_at.toISOString(),
  };
  if (customer.email !== undefined) response.email = customer.email;
  if (customer.notes !== undefined) response.notes = customer.notes;
  return response;
}
