// Redaction, settings files and keys: the parts of the host that keep secrets out of logs and decide access.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HostLogger, Redactor } from '../../src/host/log.js';
import { applySettings, readSettings, resolveSettingReferences, SettingsError } from '../../src/host/settings.js';
import { isAuthorized, resolveKeys } from '../../src/host/http/keys.js';
import { makeAppFolder } from './hostFixture.js';

test('the redactor hides secret settings, token shapes and key carriers, and nothing else', () => {
  const redactor = new Redactor();
  redactor.addSecretSettings({
    ACS_CONNECTION_STRING: 'endpoint=https://x/;accesskey=c2VjcmV0',
    GITHUB_APP_PRIVATE_KEY: 'pem-body-123',
    IDENTITY_HEADER: 'idh-456789',
    SENTINEL_WORKSPACE_NAME: 'soc-workspace', // not a secret name: stays visible
    SHORT_TOKEN: 'ab', // too short to redact without blanking ordinary text
  });
  const line = [
    'conn endpoint=https://x/;accesskey=c2VjcmV0 key pem-body-123 header idh-456789 ws soc-workspace',
    'GET /api/x?code=abc123&z=1',
    '{"x-functions-key":"k-999"} Authorization: Bearer abc.def',
    'ghp_0123456789abcdefghijABCDEFGHIJ github_pat_11ABCDEFG0123456789_abcdefghijklmnop ghs_abcdefghij0123456789',
    'jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig-nature_1',
  ].join('\n');
  assert.equal(
    redactor.redact(line),
    [
      'conn [REDACTED] key [REDACTED] header [REDACTED] ws soc-workspace',
      'GET /api/x?code=[REDACTED]&z=1',
      '{"x-functions-key":"[REDACTED]"} Authorization: [REDACTED]',
      '[REDACTED] [REDACTED] [REDACTED]',
      'jwt [REDACTED]',
    ].join('\n'),
  );
});

test('silent loggers keep redacted lines; levels filter', () => {
  const logger = new HostLogger({ mode: 'silent', level: 'info' });
  logger.redactor.addValues(['s3cr3t-value']);
  logger.debug('hidden');
  logger.info('value s3cr3t-value');
  logger.executed('fn', 'id-1', 'Succeeded', 12.4);
  logger.error('boom');
  assert.equal(logger.lines.length, 3);
  assert.match(logger.lines[0]!, /^\[\d{4}-\d\d-\d\dT[\d:.]+Z\] value \[REDACTED\]$/);
  assert.match(logger.lines[1]!, /\] Executed 'fn' \(Succeeded, Id=id-1, Duration=12ms\)$/);
  assert.match(logger.lines[2]!, /\] ERROR boom$/);
});

test('local.settings.json: values and port are read; an invalid file names each bad field', async () => {
  const good = await makeAppFolder({
    hostJson: {},
    localSettings: { IsEncrypted: false, Values: { A: '1', B: 'two' }, Host: { LocalHttpPort: 7072 } },
  });
  const bad = await makeAppFolder({ hostJson: {}, localSettings: { Values: { A: 1, B: true }, Host: { LocalHttpPort: 'x' } } });
  const none = await makeAppFolder({ hostJson: {} });
  try {
    const settings = await readSettings(good.dir, { B: 'override' });
    assert.deepEqual(settings.local, { A: '1', B: 'two' });
    assert.equal(settings.localHttpPort, 7072);
    assert.equal(settings.file, path.join(good.dir, 'local.settings.json'));
    await assert.rejects(readSettings(bad.dir), (err: Error) => {
      assert.ok(err instanceof SettingsError);
      assert.match(err.message, /Values\.A must be a string; Values\.B must be a string; Host\.LocalHttpPort must be an integer/);
      return true;
    });
    assert.deepEqual(await readSettings(none.dir), { local: {}, overrides: {}, localHttpPort: undefined, file: undefined });
  } finally {
    await Promise.all([good.remove(), bad.remove(), none.remove()]);
  }
});

test('applying settings: the environment wins over the file, overrides win over both, restore undoes it', () => {
  const env: NodeJS.ProcessEnv = { KEEP: 'env', OVER: 'env' };
  const applied = applySettings(
    { local: { KEEP: 'file', NEW: 'file', OVER: 'file' }, overrides: { OVER: 'override' }, localHttpPort: undefined, file: undefined },
    env,
  );
  assert.deepEqual(env, { KEEP: 'env', NEW: 'file', OVER: 'override' });
  assert.deepEqual(applied.skipped, ['KEEP']);
  applied.restore();
  assert.deepEqual(env, { KEEP: 'env', OVER: 'env' });
});

test('%SETTING% references resolve, and a missing one is an error naming it', () => {
  assert.equal(resolveSettingReferences('%HUB%Hub', { HUB: 'Soar' }), 'SoarHub');
  assert.throws(() => resolveSettingReferences('%NOPE%', {}), /names the setting NOPE, which is not set/);
});

test('keys: from settings, else generated and kept in the keys file across restarts', async () => {
  const folder = await makeAppFolder({ hostJson: {} });
  try {
    const fromSettings = await resolveKeys({ SOAR_FUNCTION_KEY: 'fk-1234', SOAR_MASTER_KEY: 'mk-5678' });
    assert.equal(fromSettings.functionKey, 'fk-1234');
    assert.deepEqual(fromSettings.masterKeySource, { kind: 'setting', setting: 'SOAR_MASTER_KEY' });

    const file = path.join(folder.dir, '.soar', 'host-keys.json');
    const first = await resolveKeys({}, file);
    assert.ok(first.functionKey.length >= 32 && first.masterKey !== first.functionKey);
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { functionKey: first.functionKey, masterKey: first.masterKey });
    const second = await resolveKeys({ SOAR_MASTER_KEY: 'mk-set' }, file);
    assert.equal(second.functionKey, first.functionKey);
    assert.equal(second.masterKey, 'mk-set');

    const keys = { ...fromSettings };
    assert.equal(isAuthorized('anonymous', undefined, keys), true);
    assert.equal(isAuthorized('function', undefined, keys), false);
    assert.equal(isAuthorized('function', 'fk-1234', keys), true);
    assert.equal(isAuthorized('function', 'mk-5678', keys), true);
    assert.equal(isAuthorized('admin', 'fk-1234', keys), false);
    assert.equal(isAuthorized('admin', 'mk-5678', keys), true);
  } finally {
    await folder.remove();
  }
});
