// The reconciler against the sandbox's Sentinel (seeded with the fixture incidents): it starts the runs
// the relay never delivered, through the real Sentinel actions, and never doubles one that exists.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { VirtualClock } from '../../src/host/clock.js';
import { startSandbox, type Sandbox, type World } from '../../src/sandbox/index.js';
import { fixtureText, IntakeHarness } from './harness.js';
import type { PlaybookRunInput } from '../../src/routing/index.js';

let sandbox: Sandbox;
let h: IntakeHarness;
let tmp: string;
const clock = new VirtualClock(Date.now());

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'soar-reconciler-test-'));
  sandbox = await startSandbox({ caFile: path.join(tmp, 'ca.pem') });
  h = await IntakeHarness.start({
    clock,
    settings: {
      ...sandbox.appSettings,
      RECONCILER_ENABLED: 'true',
      RECONCILER_SCHEDULE: '0 */5 * * * *',
      RECONCILER_LOOKBACK_MINUTES: String(365 * 24 * 60),
      RECONCILER_GRACE_MINUTES: '10',
    },
  });
});
after(async () => {
  await h?.close();
  await sandbox?.close();
  await rm(tmp, { recursive: true, force: true });
});

/** Advances the host clock to the next 5-minute mark and waits for the reconciler to log its pass. */
async function reconcilerPass(): Promise<string> {
  const seen = h.host.logger.lines.length;
  clock.advance(5 * 60_000);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const line = h.host.logger.lines.slice(seen).find((l) => l.includes('Reconciler:'));
    if (line) return line;
    const failed = h.host.logger.lines.slice(seen).find((l) => l.includes("Executed 'incidentReconciler' (Failed"));
    if (failed) throw new Error(h.host.logger.lines.slice(seen).join('\n'));
    if (Date.now() > deadline) throw new Error(`no reconciler pass:\n${h.host.logger.lines.slice(seen).join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('missed incidents get their runs; the delivered one is not doubled; a second pass starts nothing', async () => {
  const delivered = await h.post(fixtureText('repo-deleted-github'));
  assert.equal(delivered.status, 202);
  const deliveredRun = await h.completed('restore-repository-inc-repo-deleted-github-create');

  const line = await reconcilerPass();
  // Every run the relay would have started, also for inc-arm-branch-policy-disabled-azdo, which has no alerts and
  // routes by its relatedAnalyticRuleIds alone.
  assert.match(line, /Reconciler: 12 incidents examined, 14 runs started/);
  const runs = await h.runs();
  const byId = new Map(runs.map((r) => [r.instanceId, r]));
  for (const id of [
    'restore-repository-inc-repo-deleted-azdo-create',
    'restore-repository-inc-entities-pending-create',
    'revoke-secret-inc-secret-committed-github-create',
    'notify-soc-inc-secret-committed-azdo-create',
    'restore-branch-policy-inc-branch-policy-disabled-azdo-create',
    'restore-branch-policy-inc-arm-branch-policy-disabled-azdo-create',
    'remove-extension-inc-extension-installed-azdo-create',
    'investigate-sign-in-inc-new-country-github-create',
    'triage-xdr-inc-xdr-new-country-create',
  ]) {
    const status = await h.completed(id);
    assert.equal((status.input as PlaybookRunInput).source, 'reconciler', id);
  }
  assert.equal(byId.get('restore-repository-inc-repo-deleted-github-create')!.createdTime, deliveredRun.createdTime);
  assert.equal(runs.length, 15);

  const ledger = (await h.get('/api/intake?top=100')).json.records;
  assert.equal(ledger.filter((r) => r.source === 'reconciler').length, 11);
  assert.equal(ledger.filter((r) => r.source === 'webhook').length, 1);

  const again = await reconcilerPass();
  assert.match(again, /Reconciler: 12 incidents examined, 0 runs started/);
  assert.equal((await h.runs()).length, 15);
});

test('incidents younger than the grace period are left to the relay; invalid ones are skipped', async () => {
  const incident = sandbox.world().sentinel.incidents.find((i) => i.name === 'inc-repo-deleted-azdo')!;
  const fresh = structuredClone(incident);
  fresh.name = 'inc-fresh';
  fresh.properties.incidentNumber = 500;
  fresh.properties.createdTimeUtc = new Date().toISOString();
  const broken = structuredClone(incident);
  broken.name = 'inc-broken-entity';
  broken.properties.incidentNumber = 501;
  broken.entities.push({ ...broken.entities[0]!, name: 'e-broken', kind: 'Url', properties: { url: 42 } });
  sandbox.world().sentinel.incidents.push(fresh, broken);
  const line = await reconcilerPass();
  assert.match(line, /Reconciler: 12 incidents examined, 0 runs started, 1 skipped \(\/subscriptions\/.*\/inc-broken-entity: The incident is invalid: properties\.relatedEntities\[\d\]\.properties\.url \(expected string\)\)$/);
  assert.equal((await h.runs()).some((r) => /inc-fresh|inc-broken/.test(r.instanceId)), false);
});

test('a run the durable runtime refuses does not stop the others: they start, the failure is logged and recorded, the next pass retries it', async () => {
  const incident = structuredClone(sandbox.world().sentinel.incidents.find((i) => i.name === 'inc-repo-deleted-azdo')!);
  incident.name = 'inc-mixed-reconciled';
  incident.properties.incidentNumber = 502;
  incident.properties.severity = 'High'; // notify-soc
  incident.properties.labels = [{ labelName: 'broken-wiring', labelType: 'User' }]; // wired to no orchestration
  incident.properties.relatedAnalyticRuleIds = [];
  incident.alerts = [];
  sandbox.world().sentinel.incidents.push(incident);
  const line = await reconcilerPass();
  assert.match(line, /1 runs started \(notify-soc-inc-mixed-reconciled-create\), 1 failed \(broken-wiring on \/subscriptions\/[^ ]+\/inc-mixed-reconciled: [^)]*noSuchOrchestration/);
  await h.completed('notify-soc-inc-mixed-reconciled-create');
  const again = await reconcilerPass();
  assert.match(again, /0 runs started, 1 failed \(broken-wiring on /);
  const records = (await h.get('/api/intake?incident=inc-mixed-reconciled')).json.records;
  assert.deepEqual(
    records.map((r) => [r.source, r.runs.map((run) => [run.instanceId, run.duplicate]), r.failed?.map((f) => f.playbook)]),
    [
      ['reconciler', [['notify-soc-inc-mixed-reconciled-create', true]], ['broken-wiring']],
      ['reconciler', [['notify-soc-inc-mixed-reconciled-create', false]], ['broken-wiring']],
    ],
  );
});

/** A copy of a seeded incident under another name: a missed Create of the same playbooks. */
function missed(name: string, number: number, from = 'inc-repo-deleted-github'): World['sentinel']['incidents'][number] {
  const incident = structuredClone(sandbox.world().sentinel.incidents.find((i) => i.name === from)!);
  incident.name = name;
  incident.properties.incidentNumber = number;
  return incident;
}

test('an incident whose details cannot be read is skipped with the reason; the pass goes on, and the next one catches up', async () => {
  sandbox.world().sentinel.incidents.push(missed('inc-unreadable', 503), missed('inc-readable', 504));
  sandbox.faults.add({ service: 'sentinel', pathPattern: 'inc-unreadable/entities', status: 404 });
  try {
    const line = await reconcilerPass();
    assert.match(line, /1 runs started \(restore-repository-inc-readable-create\)/);
    assert.match(line, /skipped \(.*\/inc-unreadable: reading its alerts and entities failed: [^;)]*404/);
  } finally {
    sandbox.faults.clear();
  }
  assert.match(await reconcilerPass(), /1 runs started \(restore-repository-inc-unreadable-create\)/);
});

test('the listing covers the whole window, oldest first through every page: recent incidents do not hide older missed ones', async () => {
  const world = sandbox.world().sentinel;
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
  // 250 incidents still inside the grace period, left to the relay (before: the 200 newest filled the listing).
  for (let i = 0; i < 250; i++) {
    const fresh = missed(`inc-recent-${i}`, 2000 + i);
    fresh.properties.createdTimeUtc = minutesAgo(1);
    world.incidents.push(fresh);
  }
  // 210 older ones nothing matches, then a missed one younger than all of them: it is on the second page.
  for (let i = 0; i < 210; i++) {
    const noise = missed(`inc-noise-${i}`, 3000 + i);
    noise.properties.createdTimeUtc = minutesAgo(300 - i);
    noise.properties.severity = 'Low';
    noise.properties.relatedAnalyticRuleIds = [];
    noise.alerts = [];
    noise.entities = [];
    world.incidents.push(noise);
  }
  const late = missed('inc-missed-late', 3500);
  late.properties.createdTimeUtc = minutesAgo(20);
  world.incidents.push(late);
  const line = await reconcilerPass();
  assert.match(line, /1 runs started \(restore-repository-inc-missed-late-create\)/);
  assert.equal((await h.runs()).some((r) => r.instanceId.startsWith('restore-repository-inc-recent-')), false, 'the grace period holds');
});
