/**
 * A consumer of the second generated client (clients/hey-api, from @hey-api/openapi-ts): CI
 * type-checks this file (`npm run client:check`), so a document change that breaks what an SDK
 * consumer writes fails the build. Never run; the e2e tests drive the service through sdk/.
 */
import { createClient } from './hey-api/client';
import {
  getCustomer,
  listCustomers,
  listUsers,
  login,
  recordTransaction,
  suspendCustomer,
  updateCustomer,
  type CustomerHasActiveLoansProblem,
  type CustomerResponseDto,
  type CustomerStatus,
  type InvalidStatusTransitionProblem,
  type Page,
  type ProblemCode,
  type Role,
  type TransactionType,
  type UserResponseDto,
} from './hey-api';

export async function walkThrough(baseUrl: string): Promise<void> {
  const client = createClient({ baseUrl });
  const session = await login({ client, body: { username: 'admin', password: 'change-me-admin-password' } });
  if (!session.data || !('access_token' in session.data)) return;
  const role: Role = session.data.role;
  const expiresIn: number = session.data.expires_in;
  const auth = { client, auth: session.data.access_token };

  const statuses: CustomerStatus[] = ['active', 'suspended'];
  const page = await listCustomers({ ...auth, query: { status: statuses, page: 1, per_page: 20, search: 'jo smi' } });
  const customers: CustomerResponseDto[] = page.data?.items ?? [];
  const meta: Omit<Page, 'items'> | undefined = page.data;

  const users = await listUsers({ ...auth, query: { page: 1, per_page: 50 } });
  const people: UserResponseDto[] = users.data?.items ?? [];

  const one = await getCustomer({ ...auth, path: { phone: '5551234567' } });
  const etag = one.response?.headers.get('ETag') ?? '*';
  const version: number | undefined = one.data?.version;

  await updateCustomer({ ...auth, path: { phone: '5551234567' }, headers: { 'If-Match': etag }, body: { email: '' } });
  // @ts-expect-error an update needs at least a body (and the document types it)
  await updateCustomer({ ...auth, path: { phone: '5551234567' } });

  const type: TransactionType = 'loan_opened';
  await recordTransaction({ ...auth, path: { phone: '5551234567' }, headers: { 'Idempotency-Key': 'till-3-0001' }, body: { type } });

  const suspended = await suspendCustomer({ ...auth, path: { phone: '5551234567' }, body: { reason: 'Repeated missed payments' } });
  // @ts-expect-error a status change needs its reason
  await suspendCustomer({ ...auth, path: { phone: '5551234567' } });
  const error = suspended.error;
  if (error && error.code === 'INVALID_STATUS_TRANSITION') {
    const refusal: InvalidStatusTransitionProblem = error;
    const allowed: CustomerStatus[] = refusal.allowed_from;
    void allowed;
  }
  if (error && error.code === 'CUSTOMER_HAS_ACTIVE_LOANS') {
    const loans: CustomerHasActiveLoansProblem['active_loans'] = error.active_loans;
    void loans;
  }
  const code: ProblemCode | undefined = error?.code;

  void [role, expiresIn, customers, meta, people, version, code];
}
