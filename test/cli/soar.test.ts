// The soar CLI run as a child process against the local host with the sandbox, as a user would.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { RunDetail, RunPage } from '../../src/operations/runs.js';
import { fixtures, startEnv, type Env } from '../operations/harness.js';

const soarJs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/soar.js');
let env: Env;
before(async () => {
  env = await startEnv();
});
after(async () => {
  await env?.close();
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function soar(args: string[], extraEnv: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [soarJs, ...args],
      { env: { ...process.env, SOAR_URL: env.host.url, SOAR_KEY: env.host.functionKey, ...extraEnv }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

test('soar playbooks, run --wait with live steps, runs, show, export', async () => {
  const playbooks = await soar(['playbooks']);
  assert.equal(playbooks.code, 0, playbooks.stderr);
  assert.match(
    playbooks.stdout,
    /^ops-label@1\.0\.0 {2}Label and comment\n {4}trigger: titlePattern "ops-label"; eventTypes Create\n {4}permissions: not declared \(the playbook lists no actions; soar doctor counts every action for it\)$/m,
  );

  const run = await soar(['run', 'ops-label', '--incident', '106', '--wait', '--poll-ms', '50']);
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.match(run.stdout, /^Started ops-label-inc-branch-protection-removed-github-create$/m);
  assert.match(run.stdout, /^ {2}✓ Update incident \(\d+(\.\d)? m?s\)$/m);
  assert.match(run.stdout, /^ {2}✓ Add incident comment/m);
  assert.match(run.stdout, /^Run Completed\.$/m);

  const runs = await soar(['runs', '--incident', '106', '--json']);
  assert.equal(runs.code, 0, runs.stderr);
  const page = JSON.parse(runs.stdout) as RunPage;
  assert.deepEqual(page.runs.map((r) => [r.instanceId, r.status]), [['ops-label-inc-branch-protection-removed-github-create', 'Completed']]);
  const table = await soar(['runs', '--status', 'Completed', '--playbook', 'ops-label']);
  assert.match(table.stdout, /^STARTED +STATUS +PLAYBOOK +INCIDENT +RUN$/m);
  assert.match(table.stdout, /Completed +ops-label +#106 +ops-label-inc-branch-protection-removed-github-create/);

  const show = await soar(['show', 'ops-label-inc-branch-protection-removed-github-create']);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /^ops-label · ops-label-inc-branch-protection-removed-github-create · Completed · incident #106 /m);
  assert.match(show.stdout, /^ {2}✓ Read playbook settings \(\d+(\.\d)? m?s\) · started \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\n {6}result: \{"overrides":\{\}/m);
  assert.match(show.stdout, /^ {2}✓ Update incident \(\d+(\.\d)? m?s\) · started \S+Z\n {6}result: \{"id":"\/subscriptions\//m);

  const out = path.join(mkdtempSync(path.join(tmpdir(), 'soar-export-')), 'run.json');
  const exported = await soar(['export', 'ops-label-inc-branch-protection-removed-github-create', '--out', out]);
  assert.equal(exported.code, 0, exported.stderr);
  const history = JSON.parse(readFileSync(out, 'utf8')) as { format: string; historyEvents: { EventType: string; FunctionName?: string }[] };
  assert.equal(history.format, 'soar-run-history/1');
  assert.ok(history.historyEvents.some((e) => e.EventType === 'TaskCompleted' && e.FunctionName === 'sentinel-updateIncident'));
});

test('soar run --dry-run on a fixture incident file shows the plan and changes nothing', async () => {
  const before = JSON.stringify(env.sandbox.world().sentinel.incidents.find((i) => i.name === 'inc-repo-deleted-github')!.properties.labels);
  const result = await soar(['run', 'ops-label', '--incident', path.join(fixtures, 'repo-deleted-github.json'), '--dry-run', '--poll-ms', '50']);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  assert.match(result.stdout, /\(dry run\)/);
  assert.match(result.stdout, /^Plan \(nothing was changed; these actions would run\):$/m);
  assert.match(result.stdout, /^ {2}1\. Update incident: \{"labelsToAdd":\["triaged-by-soar"\]/m);
  assert.match(result.stdout, /^ {2}◇ Update incident \(\d+ m?s\) \[planned\]$/m);
  const id = /^Started (\S+)$/m.exec(result.stdout)?.[1];
  assert.ok(id, result.stdout);
  const show = await soar(['show', id]);
  assert.match(show.stdout, /^ {2}◇ Update incident \(\d+ m?s\) · started \S+Z\n {6}planned: \{"labelsToAdd":\["triaged-by-soar"\]\}$/m);
  assert.equal(JSON.stringify(env.sandbox.world().sentinel.incidents.find((i) => i.name === 'inc-repo-deleted-github')!.properties.labels), before);
});

/** Starts ops-approval on an incident and waits until its approval is pending; the run id. */
async function pendingApproval(incidentNumber: string): Promise<string> {
  const started = await soar(['run', 'ops-approval', '--incident', incidentNumber, '--json']);
  assert.equal(started.code, 0, started.stderr);
  const id = (JSON.parse(started.stdout) as { instanceId: string }).instanceId;
  for (let i = 0; i < 200; i++) {
    const run = (await env.api<RunDetail>('GET', `/api/runs/${id}`)).body;
    if ((run.customStatus as { approval?: { status: string } } | undefined)?.approval?.status === 'pending') return id;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${id}: no pending approval`);
}

test('soar approve and cancel act on running runs; errors and usage have their exit codes', async () => {
  const id = await pendingApproval('107');
  const approved = await soar(['approve', id, '--approver', 'carol@contoso.com']);
  assert.equal(approved.code, 0, approved.stderr);
  assert.equal(approved.stdout.trim(), `Approved ${id} as carol@contoso.com.`);

  const second = JSON.parse((await soar(['run', 'ops-approval', '--incident', '108', '--json'])).stdout) as { instanceId: string };
  const cancelled = await soar(['cancel', second.instanceId, '--reason', 'testing']);
  assert.equal(cancelled.code, 0, cancelled.stderr);

  const missing = await soar(['show', 'no-such-run']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /HTTP 404 run_not_found: No run with id 'no-such-run'\./);
  const wrongKey = await soar(['runs'], { SOAR_KEY: 'wrong' });
  assert.equal(wrongKey.code, 1);
  assert.match(wrongKey.stderr, /function key is missing or wrong/);
  const unknownPlaybook = await soar(['run', 'nope', '--incident', '101']);
  assert.equal(unknownPlaybook.code, 1);
  assert.match(unknownPlaybook.stderr, /playbook_not_found/);
  assert.equal((await soar(['run', 'ops-label'])).code, 2);
  assert.equal((await soar(['show'])).code, 2);
  assert.equal((await soar(['frobnicate'])).code, 2);
  assert.equal((await soar(['runs', '--bogus'])).code, 2);
  // 49 characters: its run ids could not fit. In an empty folder, so that nothing is scaffolded if it were taken.
  const longName = await soar(['new', `notify-${'x'.repeat(42)}`, '--app', mkdtempSync(path.join(tmpdir(), 'soar-new-'))]);
  assert.equal(longName.code, 2, longName.stderr);
  assert.match(longName.stderr, /at most 48 characters/);
  const unreachable = await soar(['playbooks'], { SOAR_URL: 'http://127.0.0.1:9' });
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /Cannot reach http:\/\/127\.0\.0\.1:9/);
});

test('soar approve: an empty SOAR_APPROVER counts as unset, so the approver is $USER', async () => {
  const id = await pendingApproval('110');
  const nobody = await soar(['approve', id], { SOAR_APPROVER: '', USER: '' });
  assert.equal(nobody.code, 2);
  assert.match(nobody.stderr, /Name the approver with --approver <e-mail> \(or SOAR_APPROVER\)/);
  const approved = await soar(['approve', id], { SOAR_APPROVER: '', USER: 'carol@contoso.com' });
  assert.equal(approved.code, 0, approved.stderr);
  assert.equal(approved.stdout.trim(), `Approved ${id} as carol@contoso.com.`);
  const run = await env.finished<RunDetail>(id);
  assert.equal(run.status, 'Completed');
  assert.equal((run.customStatus as { approval?: { status: string; by?: string } }).approval?.by, 'carol@contoso.com');
});

test('soar replay: an exported run replays against its code and fails, naming the step, against an incompatible edit', async () => {
  const started = await env.api<{ instanceId: string }>('POST', '/api/playbooks/ops-label/runs', { incidentNumber: 109 });
  await env.finished(started.body.instanceId);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'soar-replay-')), 'run.json');
  assert.equal((await soar(['export', started.body.instanceId, '--out', file])).code, 0);
  const apps = path.resolve(path.dirname(soarJs), '../../test/apps');
  const same = await soar(['replay', file, '--app', path.join(apps, 'operations'), '--main', 'index.js']);
  assert.equal(same.code, 0, same.stdout + same.stderr);
  assert.match(same.stdout, /^✓ ops-label-inc-new-country-azdo-create \(playbook-ops-label\) replays against the current code/m);
  const changed = await soar(['replay', file, '--app', path.join(apps, 'operations-changed'), '--main', 'index.js']);
  assert.equal(changed.code, 1, changed.stdout + changed.stderr);
  assert.match(changed.stdout, /does not replay: Non-deterministic workflow detected: at step \d+ .*sentinel-addComment.*sentinel-updateIncident/);
});

test('soar output piped into a reader that closes early (soar runs | head) ends quietly', async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [soarJs, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // the reader is gone before soar writes anything
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(stderr, '');
  assert.equal(code, 0);
});
