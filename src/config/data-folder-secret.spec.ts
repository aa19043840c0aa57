import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, DEV_ADMIN_PASSWORD, DEV_JWT_SECRET } from './app-config';
import { dataFolderSecret, JWT_SECRET_FILE } from './data-folder-secret';

describe('dataFolderSecret', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'secret-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a long random secret once, owner-only, and finds it again', () => {
    const first = dataFolderSecret(join(dir, 'a'));
    expect(Buffer.byteLength(first)).toBeGreaterThanOrEqual(48);
    expect(statSync(join(dir, 'a', JWT_SECRET_FILE)).mode & 0o777).toBe(0o600);
    expect(dataFolderSecret(join(dir, 'a'))).toBe(first);
    expect(dataFolderSecret(join(dir, 'b'))).not.toBe(first);
  });

  it('tightens a copied file with loose permissions', () => {
    writeFileSync(join(dir, JWT_SECRET_FILE), `${'x'.repeat(64)}\n`);
    chmodSync(join(dir, JWT_SECRET_FILE), 0o644);
    expect(dataFolderSecret(dir)).toBe('x'.repeat(64));
    expect(statSync(join(dir, JWT_SECRET_FILE)).mode & 0o777).toBe(0o600);
  });

  it('refuses an empty or short secret file rather than sign with it', () => {
    writeFileSync(join(dir, JWT_SECRET_FILE), 'short\n', { mode: 0o600 });
    expect(() => dataFolderSecret(dir)).toThrow(/no usable secret/);
  });
});

describe('loadConfig: secure defaults', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('never uses a value published in the source', () => {
    const config = loadConfig({ DATA_DIR: dir });
    expect(config.jwt.secret).not.toBe(DEV_JWT_SECRET);
    expect(config.jwt.secret).toBe(readFileSync(join(dir, JWT_SECRET_FILE), 'utf8').trim());
    expect(config.admin.password).toBeUndefined();
    expect(() => loadConfig({ DATA_DIR: dir, JWT_SECRET: DEV_JWT_SECRET })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ DATA_DIR: dir, ADMIN_PASSWORD: DEV_ADMIN_PASSWORD })).toThrow(
      /ADMIN_PASSWORD/,
    );
  });

  it('listens on the loopback interface unless HOST says otherwise', () => {
    expect(loadConfig({ DATA_DIR: dir }).host).toBe('127.0.0.1');
    expect(loadConfig({ DATA_DIR: dir, HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('reads MFA_REQUIRED_ROLES, ACCESS_LOG and ACCESS_LOG_RETENTION_DAYS', () => {
    const env = { DATA_DIR: dir, JWT_SECRET: 'x'.repeat(40) };
    expect(loadConfig(env).mfaRequiredRoles).toEqual(['admin']);
    expect(loadConfig({ ...env, MFA_REQUIRED_ROLES: 'none' }).mfaRequiredRoles).toEqual([]);
    expect(loadConfig({ ...env, MFA_REQUIRED_ROLES: ' Staff, admin ' }).mfaRequiredRoles).toEqual([
      'staff',
      'admin',
    ]);
    expect(() => loadConfig({ ...env, MFA_REQUIRED_ROLES: 'owner' })).toThrow(/MFA_REQUIRED_ROLES/);
    expect(() => loadConfig({ ...env, MFA_REQUIRED_ROLES: '' })).toThrow(/MFA_REQUIRED_ROLES/);
    expect(loadConfig({ ...env, ACCESS_LOG: 'off' }).accessLog.enabled).toBe(false);
    expect(loadConfig({ ...env, ACCESS_LOG_RETENTION_DAYS: '30' }).accessLog.retentionDays).toBe(
      30,
    );
    expect(() => loadConfig({ ...env, ACCESS_LOG_RETENTION_DAYS: '0' })).toThrow(
      /ACCESS_LOG_RETENTION_DAYS/,
    );
  });
});
