// soar validate and soar doctor, as child processes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { startEnv, type Env } from '../operations/harness.js';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const soarJs = path.join(dist, 'src/cli/soar.js');
const temp = mkdtempSync(path.join(tmpdir(), 'soar-local-'));
let env: Env | undefined;
after(async () => {
  await env?.close();
  rmSync(temp, { recursive: true, force: true });
});

function soar(args: string[], envVars: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [soarJs, ...args], { env: envVars as NodeJS.ProcessEnv, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

test('soar validate reports duplicate names, bad triggers and determinism findings with file:line:col', async () => {
  const app = path.join(temp, 'bad');
  mkdirSync(path.join(app, 'playbooks'), { recursive: true });
  mkdirSync(path.join(app, 'dist/playbooks'), { recursive: true });
  writeFileSync(
    path.join(app, 'playbooks/clock.ts'),
    "export const when = Date.now();\nexport const pick = () => Math.random();\n",
  );
  const entry = (name: string, trigger: object) => ({ name, title: 'T', version: '1.0.0', orchestrationName: `playbook-${name}`, trigger });
  writeFileSync(
    path.join(app, 'dist/playbooks/catalogue.js'),
    `export const catalogue = ${JSON.stringify([entry('twice', {}), entry('twice', { severities: ['Severe'] })])};\n`,
  );
  const result = await soar(['validate', '--app', app, '--json'], { PATH: process.env['PATH'] });
  assert.equal(result.code, 1, result.stderr);
  const report = JSON.parse(result.stdout) as { ok: boolean; problems: { where: string; message: string }[] };
  assert.equal(report.ok, false);
  const text = report.problems.map((p) => `${p.where}: ${p.message}`).join('\n');
  assert.match(text, /catalogue\[1\]\.name: "twice" is used by another playbook/);
  assert.match(text, /catalogue\[1\]\.trigger\.severities/);
  assert.match(text, /playbooks\/clock\.ts:1:\d+/);
  assert.match(text, /playbooks\/clock\.ts:2:\d+/);
});

test('soar doctor lists the permissions the playbooks need and checks settings, endpoints and the app', async () => {
  env = await startEnv();
  const app = path.join(temp, 'project');
  mkdirSync(app);
  symlinkSync(dist, path.join(app, 'dist'), 'dir');
  // As a new user does: local.settings.json is a copy of the sample, whose PUBLIC_BASE_URL is empty.
  copyFileSync(path.join(dist, '../local.settings.sample.json'), path.join(app, 'local.settings.json'));
  const base = { PATH: process.env['PATH'], ...env.settings, SOAR_URL: env.host.url, SOAR_KEY: env.host.functionKey };
  assert.equal(env.settings['PUBLIC_BASE_URL'], undefined);
  const ok = await soar(['doctor', '--app', app], base);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^ {2}✓ Approval links: links point at the local host's own URL, http:\/\/127\.0\.0\.1:<port> \(PUBLIC_BASE_URL is not set;.*\)$/m);
  assert.match(ok.stdout, /^Permissions the (\d+) playbook\(s\) need, \1 enabled and 0 disabled \(.*secret-committed.*\):$/m);
  assert.match(ok.stdout, /^ {2}Sentinel azureRole 'Microsoft Sentinel Responder' \(granted by the deployment\) — .*sentinel\.addComment/m);
  assert.match(ok.stdout, /^ {2}Graph graphAppRole 'User\.RevokeSessions\.All'/m);
  assert.match(ok.stdout, /^ {2}✓ GitHub$/m);
  assert.match(ok.stdout, /^ {2}✓ ARM_ENDPOINT https:\/\/127\.0\.0\.1:\d+\/arm: reachable \(HTTP \d+\)$/m);
  assert.match(ok.stdout, /^ {2}✓ app http:\/\/127\.0\.0\.1:\d+: GET \/api\/playbooks answered$/m);
  assert.match(ok.stderr, /checking ARM_ENDPOINT/);

  const broken = await soar(['doctor', '--app', app, '--json'], {
    ...base, GITHUB_APP_ID: undefined, GITHUB_APP_PRIVATE_KEY: undefined, GITHUB_APP_INSTALLATION_ID: undefined, GITHUB_TOKEN: undefined,
    GRAPH_ENDPOINT: 'https://127.0.0.1:9/graph', SOAR_KEY: 'wrong', PUBLIC_BASE_URL: 'https://soar.contoso.example',
  });
  assert.equal(broken.code, 1);
  const report = JSON.parse(broken.stdout) as {
    ok: boolean;
    settings: { need: string; ok: boolean; missing: string[]; detail?: string }[];
    endpoints: { name: string; ok: boolean }[];
    app: { ok: boolean; detail: string };
  };
  assert.deepEqual(report.settings.find((s) => s.need === 'GitHub'), { need: 'GitHub', ok: false, missing: ['GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY', 'GITHUB_APP_INSTALLATION_ID'] });
  assert.deepEqual(report.settings.find((s) => s.need === 'Approval links'), {
    need: 'Approval links', ok: true, missing: [], detail: 'links point at https://soar.contoso.example (PUBLIC_BASE_URL)',
  });
  assert.equal(report.endpoints.find((e) => e.name === 'GRAPH_ENDPOINT')?.ok, false);
  assert.equal(report.app.ok, false);
  assert.match(report.app.detail, /function key/);
  assert.doesNotMatch(broken.stdout + broken.stderr, new RegExp(env.host.functionKey));
});

test('soar doctor lists disabled playbooks too, marked, so their permissions can be granted before enabling them', async () => {
  assert.ok(env, 'the previous test started the host');
  const app = path.join(temp, 'staged');
  mkdirSync(path.join(app, 'dist/playbooks'), { recursive: true });
  mkdirSync(path.join(app, 'dist/src/actions'), { recursive: true });
  writeFileSync(path.join(app, 'dist/src/actions/index.js'), `export * from ${JSON.stringify(path.join(dist, 'src/actions/index.js'))};\n`);
  const entry = (name: string, enabled: boolean, actions: string[]) => ({ name, title: name, version: '1.0.0', orchestrationName: `playbook-${name}`, trigger: { titlePattern: name, enabled }, actions });
  writeFileSync(
    path.join(app, 'dist/playbooks/catalogue.js'),
    `export const catalogue = ${JSON.stringify([entry('live-one', true, ['sentinel.addComment']), entry('staged-one', false, ['sentinel.addComment', 'entra.revokeSignInSessions'])])};\n`,
  );
  const base = { PATH: process.env['PATH'], ...env!.settings, SOAR_URL: env!.host.url, SOAR_KEY: env!.host.functionKey };
  const text = await soar(['doctor', '--app', app], base);
  assert.equal(text.code, 0, text.stdout + text.stderr);
  assert.match(text.stdout, /^Permissions the 2 playbook\(s\) need, 1 enabled and 1 disabled \(live-one, staged-one \(disabled\)\):$/m);
  assert.match(text.stdout, /^ {2}Sentinel azureRole 'Microsoft Sentinel Responder' \(granted by the deployment\) — sentinel\.addComment; for live-one, staged-one \(disabled\)$/m);
  assert.match(
    text.stdout,
    /^ {2}Graph graphAppRole 'User\.RevokeSessions\.All' \(granted manually\) — entra\.revokeSignInSessions; for staged-one \(disabled\) \[only disabled playbooks need it so far\]$/m,
  );

  const json = await soar(['doctor', '--app', app, '--json'], base);
  const report = JSON.parse(json.stdout) as { playbooks: { name: string; enabled: boolean }[]; permissions: { name: string; playbooks: string[] }[] };
  assert.deepEqual(report.playbooks, [{ name: 'live-one', enabled: true }, { name: 'staged-one', enabled: false }]);
  assert.deepEqual(report.permissions.find((p) => p.name === 'User.RevokeSessions.All')?.playbooks, ['staged-one']);

  // Approval links need the signing key (this app has no local.settings.json to supply one).
  const unsigned = await soar(['doctor', '--app', app], { ...base, APPROVAL_SIGNING_KEY: undefined });
  assert.equal(unsigned.code, 1);
  assert.match(unsigned.stdout, /^ {2}✗ Approval links: missing APPROVAL_SIGNING_KEY$/m);
});
