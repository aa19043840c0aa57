import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPENAPI_FILE } from '../support/openapi-validator';
import { ADMIN, startTestApp, TestApp } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');
const SDK = join(ROOT, 'sdk');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const SDK_PACKAGE = JSON.parse(readFileSync(join(SDK, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
};

/** npm as a consumer runs it: not as a child of `npm test` (whose npm_* settings would leak in). */
function npm(args: string[], cwd: string): string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('the SDK as a package a consumer installs', () => {
  let t: TestApp;
  let baseUrl: string;
  let scratch: string;

  beforeAll(async () => {
    t = await startTestApp();
    baseUrl = await t.listen();
    scratch = mkdtempSync(join(tmpdir(), 'pawnshop-sdk-consumer-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("has the document's version and depends on openapi-fetch", () => {
    const document = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as { info: { version: string } };
    expect(SDK_PACKAGE.version).toBe(document.info.version);
    expect(Object.keys(SDK_PACKAGE.dependencies)).toEqual(['openapi-fetch']);
  });

  it('packs, installs into a separate project, type-checks its typed calls and drives the running service', async () => {
    npm(['run', 'build'], SDK);
    const [packed] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], SDK)) as {
      filename: string;
      files: { path: string }[];
    }[];
    expect(packed.files.map((file) => file.path)).toEqual(
      expect.arrayContaining(['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/schema.d.ts']),
    );

    const project = join(scratch, 'consumer');
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'sdk-consumer', version: '0.0.0', private: true }));
    npm(['install', join(scratch, packed.filename), '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], project);
    const installed = JSON.parse(
      readFileSync(join(project, 'node_modules', '@pawnshop', 'customers-sdk', 'package.json'), 'utf8'),
    ) as { version: string };
    expect(installed.version).toBe(SDK_PACKAGE.version);

    copyFileSync(join(__dirname, 'consumer', 'consumer.ts'), join(project, 'consumer.ts'));
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'node16',
          moduleResolution: 'node16',
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          types: [],
          strict: true,
          outDir: 'out',
        },
        files: ['consumer.ts'],
      }),
    );
    // The typed calls (and the @ts-expect-error lines) type-check against the installed package only.
    try {
      execFileSync(process.execPath, [TSC, '-p', project], { cwd: project, encoding: 'utf8' });
    } catch (error) {
      throw new Error(`the consumer does not type-check:\n${(error as { stdout?: string }).stdout}`);
    }

    // Not execFileSync: the service answers from this process, whose event loop must keep running.
    const { stdout: output } = await promisify(execFile)(process.execPath, [join(project, 'out', 'consumer.js')], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, PAWNSHOP_URL: baseUrl, PAWNSHOP_USERNAME: ADMIN.username, PAWNSHOP_PASSWORD: ADMIN.password },
    });
    expect(JSON.parse(output)).toEqual({
      created: 201,
      location: '/api/v1/customer/5550102020',
      email: null,
      listed: ['5550102020'],
      total: 1,
      suspended: 'suspended',
      version: 3,
      refusal: { code: 'INVALID_STATUS_TRANSITION', current_status: 'suspended', allowed_from: ['active'] },
      loans: 1,
    });
  }, 180_000);
});
