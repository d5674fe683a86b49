// soar against a local host with no SOAR_KEY: the CLI reads the function key the host keeps in the app folder's
// .soar/host-keys.json (as npm start does), sends it only to the local host, and never prints it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { targetFrom } from '../../src/cli/client.js';
import { startEnv, type Env } from '../operations/harness.js';

const soarJs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/soar.js');
const appFolder = mkdtempSync(path.join(tmpdir(), 'soar-keyfile-'));
const elsewhere = mkdtempSync(path.join(tmpdir(), 'soar-nokeys-'));
let env: Env;
let functionKey: string;
before(async () => {
  env = await startEnv({ keysFile: path.join(appFolder, '.soar', 'host-keys.json') });
  functionKey = (JSON.parse(readFileSync(path.join(appFolder, '.soar', 'host-keys.json'), 'utf8')) as { functionKey: string }).functionKey;
});
after(async () => {
  await env?.close();
  rmSync(appFolder, { recursive: true, force: true });
  rmSync(elsewhere, { recursive: true, force: true });
});

/** soar as a user runs it: no SOAR_KEY (nor SOAR_URL unless given) in the environment. */
function soar(args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const { SOAR_KEY: _key, SOAR_URL: _url, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, [soarJs, ...args], { cwd, env: { ...inherited, ...extraEnv }, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

test('with SOAR_URL on the local host and no SOAR_KEY, soar uses the key in .soar/host-keys.json (also from a subfolder)', async () => {
  const listed = await soar(['playbooks'], appFolder, { SOAR_URL: env.host.url });
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^ops-label@1\.0\.0 /m);
  assert.ok(!(listed.stdout + listed.stderr).includes(functionKey), 'the key is never printed');

  const sub = path.join(appFolder, 'playbooks');
  mkdirSync(sub, { recursive: true });
  const fromSub = await soar(['runs'], sub, { SOAR_URL: `http://localhost:${env.host.port}` });
  assert.equal(fromSub.code, 0, fromSub.stderr);

  const started = await soar(['run', 'ops-label', '--incident', '101', '--dry-run', '--poll-ms', '50'], appFolder, { SOAR_URL: env.host.url });
  assert.equal(started.code, 0, started.stdout + started.stderr);
  assert.match(started.stdout, /^Plan \(nothing was changed; these actions would run\):$/m);
});

test('an explicit key wins over the file; without a key file the host answers 401', async () => {
  const wrong = await soar(['runs'], appFolder, { SOAR_URL: env.host.url, SOAR_KEY: 'wrong' });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /HTTP 401: the function key is missing or wrong \(set --key or SOAR_KEY\)/);
  const flag = await soar(['runs', '--key', 'wrong'], appFolder, { SOAR_URL: env.host.url });
  assert.equal(flag.code, 1);

  const none = await soar(['runs'], elsewhere, { SOAR_URL: env.host.url });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /HTTP 401: the function key is missing or wrong/);

  // A key file of another host (e.g. npm start run in another clone) is named in the error.
  const other = path.join(elsewhere, 'other-clone');
  mkdirSync(path.join(other, '.soar'), { recursive: true });
  writeFileSync(path.join(other, '.soar', 'host-keys.json'), JSON.stringify({ functionKey: 'stale', masterKey: 'stale' }));
  const stale = await soar(['runs'], other, { SOAR_URL: env.host.url });
  assert.equal(stale.code, 1);
  assert.ok(stale.stderr.includes(`HTTP 401: the function key in ${path.join(other, '.soar', 'host-keys.json')} is not ${env.host.url}'s`), stale.stderr);
});

test('the key file is read only for the local host: SOAR_URL unset means http://localhost:7071; a remote URL gets no key', () => {
  assert.deepEqual(targetFrom(new Map(), {}, appFolder), {
    url: 'http://localhost:7071', key: functionKey, keyFile: path.join(appFolder, '.soar', 'host-keys.json'),
  });
  assert.equal(targetFrom(new Map(), { SOAR_URL: 'http://[::1]:7072/' }, appFolder).key, functionKey);
  assert.deepEqual(targetFrom(new Map(), { SOAR_URL: 'https://soar-app.azurewebsites.net' }, appFolder), { url: 'https://soar-app.azurewebsites.net' });
  assert.deepEqual(targetFrom(new Map([['url', 'https://localhost:7071']]), {}, appFolder), { url: 'https://localhost:7071' });
  assert.deepEqual(targetFrom(new Map(), { SOAR_KEY: 'given' }, appFolder), { url: 'http://localhost:7071', key: 'given' });
  assert.deepEqual(targetFrom(new Map(), {}, path.join(elsewhere, 'no-such-folder')), { url: 'http://localhost:7071' });
});
