/**
 * Writes the OpenAPI document to openapi/openapi.json, or with --check compares a fresh one
 * with the committed file and fails on any difference. No database is needed: the app is
 * built with a connection that is never waited for, and never initialized.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/app-config';
import { buildOpenApiDocument } from '../src/swagger';

const COMMITTED = join(__dirname, '..', 'openapi', 'openapi.json');
const UNREACHABLE_DATABASE = 'mongodb://127.0.0.1:9/openapi';

async function renderDocument(): Promise<string> {
  const config = loadConfig({
    NODE_ENV: 'development',
    LOG_LEVEL: 'silent',
    SWAGGER_ENABLED: 'false',
    // Never used (the document signs nothing); spares writing a secret to the data folder.
    JWT_SECRET: 'openapi-generation-only',
  });
  const app = await createApp(config, { uri: UNREACHABLE_DATABASE }, { lazyDatabase: true });
  try {
    return `${JSON.stringify(buildOpenApiDocument(app, config.publicUrl), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

function check(fresh: string): boolean {
  const committed = existsSync(COMMITTED) ? readFileSync(COMMITTED, 'utf8') : '';
  if (committed === fresh) {
    console.log('openapi/openapi.json is up to date');
    return true;
  }
  const freshFile = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.json');
  writeFileSync(freshFile, fresh);
  const diff = spawnSync('diff', ['-u', COMMITTED, freshFile], { encoding: 'utf8' });
  console.error(`${(diff.stdout || '').split('\n').slice(0, 200).join('\n')}`);
  console.error('openapi/openapi.json is out of date with the code: run `npm run openapi` and commit the result');
  return false;
}

async function main(): Promise<void> {
  const fresh = await renderDocument();
  if (process.argv.includes('--check')) {
    process.exit(check(fresh) ? 0 : 1);
  }
  writeFileSync(COMMITTED, fresh);
  console.log(`wrote ${COMMITTED}`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error('OpenAPI generation failed:', error);
  process.exit(1);
});
