// The settings inventory: local.settings.sample.json and the README's settings table name every setting
// the app reads, and nothing else; the sample is in Core Tools' format and holds no real secret.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { startSandbox } from '../../src/sandbox/index.js';
import {
  FUNCTIONS_HOST_SETTINGS,
  LOCAL_HOST_SETTINGS,
  PLATFORM_SETTINGS,
  readSample,
  repoRoot,
  settingsInSource,
  settingsReadByApp,
  settingsReadByHostJson,
} from './appSettings.js';

const sample = readSample();
const sampleNames = Object.keys(sample.Values);
const readByApp = settingsReadByApp();

/** Setting names in the first column of the table(s) under README.md's "## Settings" heading. */
function readmeSettings(): Set<string> {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const start = readme.search(/^## Settings\s*$/m);
  assert.ok(start >= 0, "README.md has no '## Settings' section with the settings table");
  const rest = readme.slice(start + 1);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('|')) continue;
    const firstCell = line.split('|')[1] ?? '';
    for (const m of firstCell.matchAll(/`([^`]+)`/g)) names.add(m[1]!);
  }
  return names;
}

test('the scanner finds settings read through each form the app uses', () => {
  const found = settingsInSource(
    [
      "const a = requiredSetting('SENTINEL_WORKSPACE_NAME');",
      "const b = process.env.RECONCILER_ENABLED === 'true';",
      "const c = env['SOAR_URL'];",
      'const d = (env.PUBLIC_BASE_URL || fallback);',
      "const table = { dev: ['AZDO_BASE_URL', 'https://dev.azure.com'] };",
      "// requiredSetting('IN_A_COMMENT')",
      ' * @see NOT_QUOTED_EITHER',
      "const lower = 'notASetting', single = 'WORD';",
    ].join('\n'),
  );
  assert.deepEqual([...found].sort(), ['AZDO_BASE_URL', 'PUBLIC_BASE_URL', 'RECONCILER_ENABLED', 'SENTINEL_WORKSPACE_NAME', 'SOAR_URL']);
  // And on the real source: settings read only through a table or env.X are found.
  for (const name of ['AZDO_VSSPS_URL', 'PUBLIC_BASE_URL', 'SOC_MAILBOX', 'IDENTITY_HEADER', 'SOAR_RETRY_MAX_RETRIES']) {
    assert.ok(readByApp.has(name), `${name} is found in the app source`);
  }
});

test('local.settings.sample.json is in Core Tools format, with string values', () => {
  assert.equal(sample.IsEncrypted, false);
  assert.ok(sample.Values && typeof sample.Values === 'object');
  for (const [name, value] of Object.entries(sample.Values)) assert.equal(typeof value, 'string', `${name} is a string`);
  assert.equal(sample.Values.FUNCTIONS_WORKER_RUNTIME, 'node');
});

test('the sample names every setting the app reads, and the host and platform settings', () => {
  const missing = [...readByApp].filter(([name]) => !(name in sample.Values)).map(([name, files]) => `${name} (read in ${files.join(', ')})`);
  assert.deepEqual(missing, [], `missing from local.settings.sample.json:\n${missing.join('\n')}`);
  for (const name of [...FUNCTIONS_HOST_SETTINGS, ...LOCAL_HOST_SETTINGS, ...PLATFORM_SETTINGS, ...settingsReadByHostJson()]) {
    assert.ok(name in sample.Values, `${name} is in the sample`);
  }
});

test('the sample has no setting that nothing reads', () => {
  const known = new Set([...readByApp.keys(), ...FUNCTIONS_HOST_SETTINGS, ...LOCAL_HOST_SETTINGS, ...PLATFORM_SETTINGS, ...settingsReadByHostJson()]);
  assert.deepEqual(sampleNames.filter((name) => !known.has(name)), []);
});

test('the sample holds no secret: credentials are empty, the signing key is a local-only placeholder', () => {
  for (const name of ['GITHUB_APP_PRIVATE_KEY', 'GITHUB_TOKEN', 'ACS_CONNECTION_STRING', 'IDENTITY_HEADER', 'SOAR_FUNCTION_KEY', 'SOAR_MASTER_KEY', 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING']) {
    assert.equal(sample.Values[name], '', `${name} is empty in the sample`);
  }
  assert.match(String(sample.Values.APPROVAL_SIGNING_KEY), /^local-only-/);
  assert.ok(String(sample.Values.APPROVAL_SIGNING_KEY).length >= 32, 'long enough for the app to accept it locally');
});

test("the README's settings table explains every setting of the sample, and the playbook overrides", () => {
  const documented = readmeSettings();
  const undocumented = sampleNames.filter((name) => !documented.has(name));
  assert.deepEqual(undocumented, [], `not in README.md's settings table: ${undocumented.join(', ')}`);
  assert.ok(documented.has('PLAYBOOK_<NAME>_<SETTING>'), 'the playbook setting overrides are explained');
  const stale = [...documented].filter((name) => !sampleNames.includes(name) && name !== 'PLAYBOOK_<NAME>_<SETTING>');
  assert.deepEqual(stale, [], `README.md documents settings the sample does not have: ${stale.join(', ')}`);
});

test('every setting the sandbox gives the app is one the app reads, and in the sample', async () => {
  const sandbox = await startSandbox();
  try {
    const given = Object.keys(sandbox.appSettings);
    assert.deepEqual(given.filter((name) => !readByApp.has(name)), [], 'the sandbox sets settings nothing reads');
    assert.deepEqual(given.filter((name) => !(name in sample.Values)), [], 'the sandbox sets settings the sample does not list');
  } finally {
    await sandbox.close();
  }
});
