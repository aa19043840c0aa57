import startSharedDatabase from '../../support/global-setup';
import { buildApp } from './child-app';

/** The e2e suite's FerretDB (in-process apps) plus one production build (child-process apps). */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  // RESILIENCE_SKIP_BUILD=1 reuses the last build (only while working on the tests themselves).
  if (process.env.RESILIENCE_SKIP_BUILD !== '1') buildApp();
  process.stderr.write(`\nresilience: app built in ${Date.now() - started} ms\n`);
  await startSharedDatabase();
}
