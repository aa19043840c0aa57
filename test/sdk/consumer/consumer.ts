/**
 * A separate project's use of the packed SDK (test/sdk/package.e2e-spec.ts copies this file
 * into a scratch project that installed the tarball). It must type-check against the installed
 * package: the @ts-expect-error lines fail the build if the types stop refusing them.
 */
import {
  createPawnshopClient,
  etagOf,
  ifMatch,
  idempotencyKey,
  isProblem,
  type Customer,
  type CustomerStatus,
  type Page,
  type ProblemCode,
} from '@pawnshop/customers-sdk';

// The scratch project installs nothing but the SDK (no @types/node).
declare const process: { env: Record<string, string | undefined>; exit(code: number): never };

async function main(): Promise<void> {
  const baseUrl = process.env.PAWNSHOP_URL as string;
  const login = await createPawnshopClient(baseUrl).POST('/api/v1/auth/login', {
    body: { username: process.env.PAWNSHOP_USERNAME as string, password: process.env.PAWNSHOP_PASSWORD as string },
  });
  if (!login.data || !('access_token' in login.data)) throw new Error(`login failed: ${login.response.status}`);
  const api = createPawnshopClient(baseUrl, login.data.access_token);

  const created = await api.POST('/api/v1/customer', {
    body: { phone_number: '(555) 010-2020', first_name: 'Ada', last_name: 'Lovelace', email: '' },
  });
  const customer: Customer = created.data!;

  const statuses: CustomerStatus[] = ['active', 'suspended'];
  const listed = await api.GET('/api/v1/customer', { params: { query: { status: statuses, per_page: 5 } } });
  const page: Page<Customer> = listed.data!;

  const loan = await api.POST('/api/v1/customer/{phone}/transactions', {
    params: { path: { phone: customer.phone_number }, header: idempotencyKey() },
    body: { type: 'loan_opened' },
  });
  const suspended = await api.POST('/api/v1/customer/{phone}/suspend', {
    params: { path: { phone: customer.phone_number }, header: ifMatch(etagOf(loan.response)!) },
    body: { reason: 'Checking the packed SDK' },
  });
  const again = await api.POST('/api/v1/customer/{phone}/suspend', {
    params: { path: { phone: customer.phone_number } },
    body: { reason: 'Checking the packed SDK' },
  });
  const refusal = isProblem(again.error, 'INVALID_STATUS_TRANSITION')
    ? { code: again.error.code, current_status: again.error.current_status, allowed_from: again.error.allowed_from }
    : again.error;
  const archive = await api.POST('/api/v1/customer/{phone}/archive', {
    params: { path: { phone: customer.phone_number } },
    body: { reason: 'Checking the packed SDK' },
  });
  const loans = isProblem(archive.error, 'CUSTOMER_HAS_ACTIVE_LOANS') ? archive.error.active_loans : archive.error;

  // @ts-expect-error a status change needs its reason (the body is required)
  void api.POST('/api/v1/customer/{phone}/ban', { params: { path: { phone: customer.phone_number } } });
  // @ts-expect-error not a status of the API
  const notAStatus: CustomerStatus = 'closed';
  // @ts-expect-error not a code of the API
  const notACode: ProblemCode = 'OOPS';
  void notAStatus;
  void notACode;

  console.log(
    JSON.stringify({
      created: created.response.status,
      location: created.response.headers.get('location'),
      email: customer.email ?? null,
      listed: page.items.map((item) => item.phone_number),
      total: page.total,
      suspended: suspended.data?.status,
      version: suspended.data?.version,
      refusal,
      loans,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
