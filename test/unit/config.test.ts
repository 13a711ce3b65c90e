import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  ConfigError,
  loadConfig,
  resolveConfig,
  scrubSecretsFromEnv,
  SECRET_VARIABLES,
} from '../../src/config.ts';
import { resolveSecretKey } from '../../src/secret-key.ts';

describe('resolveConfig', () => {
  it('has working defaults: SQLite under ./data on 127.0.0.1:8080', () => {
    const config = resolveConfig({});
    assert.equal(config.dataDir, './data');
    assert.equal(config.databaseUrl, null);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 8080);
    assert.equal(config.httpBasic, true);
  });

  it('trusts proxies only as configured: not at all, by hops, or by address', () => {
    assert.equal(resolveConfig({}).trustProxy, false);
    assert.equal(resolveConfig({ TASKPLANNER_TRUST_PROXY: '1' }).trustProxy, 1);
    assert.deepEqual(
      resolveConfig({ TASKPLANNER_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16' }).trustProxy,
      ['10.0.0.1', '192.168.0.0/16'],
    );
    assert.throws(
      () => resolveConfig({ TASKPLANNER_TRUST_PROXY: 'everyone' }),
      /^ConfigError: TASKPLANNER_TRUST_PROXY/,
    );
  });

  it('never shows database credentials in an error', () => {
    assert.throws(
      () => resolveConfig({ TASKPLANNER_DATABASE_URL: 'mysql://root:hunter2@db/x' }),
      (error: unknown) =>
        error instanceof Error &&
        !error.message.includes('hunter2') &&
        error.message.includes('***'),
    );
  });

  it('selects PostgreSQL from a postgres:// URL', () => {
    const url = 'postgres://user@db.example:5432/planner';
    assert.equal(resolveConfig({ TASKPLANNER_DATABASE_URL: url }).databaseUrl, url);
  });

  it('fails with a message naming the bad variable', () => {
    const cases: Array<[string, string]> = [
      ['TASKPLANNER_PORT', 'eighty'],
      ['TASKPLANNER_PORT', '70000'],
      ['TASKPLANNER_DATABASE_URL', 'mysql://localhost/x'],
      ['TASKPLANNER_HTTP_BASIC', 'maybe'],
      ['TASKPLANNER_LOG_LEVEL', 'loud'],
      ['TASKPLANNER_TIMEZONE', 'Mars/Olympus'],
      ['TASKPLANNER_SECRET', 'too-short'],
    ];
    for (const [variable, value] of cases) {
      assert.throws(
        () => resolveConfig({ [variable]: value }),
        (error: unknown) => error instanceof ConfigError && error.message.startsWith(variable),
        `${variable}=${value}`,
      );
    }
  });

  it('never repeats a bad secret in its error message', () => {
    assert.throws(
      () => resolveConfig({ TASKPLANNER_SECRET: 'my-short-secret' }),
      (error: unknown) => error instanceof Error && !error.message.includes('my-short-secret'),
    );
  });

  it('reads a JSON config file, which the environment overrides', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tp-config-')), 'config.json');
    writeFileSync(file, JSON.stringify({ TASKPLANNER_PORT: 9000, TASKPLANNER_HOST: '0.0.0.0' }));
    const config = resolveConfig({ TASKPLANNER_CONFIG: file, TASKPLANNER_HOST: '::1' });
    assert.equal(config.port, 9000);
    assert.equal(config.host, '::1');
  });

  it('runs programs as the server unless TASKPLANNER_RUN_AS names a user; group ids only with it', () => {
    const plain = resolveConfig({ TASKPLANNER_DATA_DIR: '/var/lib/tp/' });
    assert.equal(plain.runAs, null);
    assert.equal(plain.runGids, null);
    assert.equal(plain.programDir, '/var/lib/tp-programs');
    const isolated = resolveConfig({
      TASKPLANNER_RUN_AS: 'taskplanner-run',
      TASKPLANNER_RUN_GIDS: '61000-61099',
      TASKPLANNER_PROGRAM_DIR: '/srv/programs',
    });
    assert.equal(isolated.runAs, 'taskplanner-run');
    assert.deepEqual(isolated.runGids, { first: 61000, last: 61099 });
    assert.equal(isolated.programDir, '/srv/programs');
    for (const gids of ['61000', '0-10', '20-10', 'a-b', '1-4294967295']) {
      assert.throws(
        () => resolveConfig({ TASKPLANNER_RUN_AS: 'x', TASKPLANNER_RUN_GIDS: gids }),
        /^ConfigError: TASKPLANNER_RUN_GIDS must be a range/,
        gids,
      );
    }
    assert.throws(
      () => resolveConfig({ TASKPLANNER_RUN_GIDS: '61000-61099' }),
      /^ConfigError: TASKPLANNER_RUN_GIDS must be set only with TASKPLANNER_RUN_AS/,
    );
  });

  it('removes the secret variables from the environment once read, and only those', () => {
    const env: Record<string, string | undefined> = {
      TASKPLANNER_ADMIN_PASSWORD: 'admin secret',
      TASKPLANNER_SECRET: 'k'.repeat(40),
      TASKPLANNER_DATABASE_URL: 'postgres://planner:hunter2@db/planner',
      TASKPLANNER_PORT: '9000',
    };
    scrubSecretsFromEnv(env);
    assert.deepEqual(env, { TASKPLANNER_PORT: '9000' });

    const saved = Object.fromEntries(SECRET_VARIABLES.map((name) => [name, process.env[name]]));
    try {
      process.env.TASKPLANNER_ADMIN_PASSWORD = 'admin secret';
      assert.equal(loadConfig().adminPassword, 'admin secret');
      assert.equal(process.env.TASKPLANNER_ADMIN_PASSWORD, undefined);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('rejects a config file with unknown keys or that is not JSON', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tp-config-'));
    writeFileSync(join(folder, 'typo.json'), JSON.stringify({ TASKPLANNER_PROT: 1 }));
    writeFileSync(join(folder, 'broken.json'), '{');
    for (const name of ['typo.json', 'broken.json', 'missing.json']) {
      assert.throws(
        () => resolveConfig({ TASKPLANNER_CONFIG: join(folder, name) }),
        /^ConfigError: TASKPLANNER_CONFIG/,
      );
    }
  });
});

describe('resolveSecretKey', () => {
  it('generates a key once, keeps it with mode 0600, and returns the same key later', () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'tp-secret-')), 'nested');
    const first = resolveSecretKey(null, dataDir);
    assert.ok(first.length >= 32);
    assert.equal(statSync(join(dataDir, 'secret.key')).mode & 0o777, 0o600);
    assert.equal(statSync(dataDir).mode & 0o777, 0o700, 'the data folder it made is closed');
    assert.equal(resolveSecretKey(null, dataDir), first);
  });

  it('closes a data folder that was open before (0700)', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tp-secret-'));
    chmodSync(dataDir, 0o755);
    resolveSecretKey(null, dataDir);
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
  });

  it('prefers the configured key', () => {
    const configured = 'x'.repeat(40);
    assert.equal(
      resolveSecretKey(configured, mkdtempSync(join(tmpdir(), 'tp-secret-'))),
      configured,
    );
  });
});
