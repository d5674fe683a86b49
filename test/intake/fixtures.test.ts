import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fixture, fixtureText, IntakeHarness, renamed } from './harness.js';
import type { PlaybookRunInput } from '../../src/routing/index.js';
import type { IntakeTestRunOutput } from '../apps/intake/index.js';

// Which test playbooks (test/apps/intake) each seed-scenario fixture must start.
const expected: Record<string, string[]> = {
  'arm-branch-policy-disabled-azdo': ['restore-branch-policy'],
  'branch-policy-disabled-azdo': ['restore-branch-policy'],
  'branch-protection-removed-github': ['restore-branch-policy'],
  'entities-pending': ['restore-repository'],
  'extension-installed-azdo': ['remove-extension'],
  'new-country-azdo': ['investigate-sign-in'],
  'new-country-github': ['investigate-sign-in'],
  'repo-deleted-azdo': ['restore-repository'],
  'repo-deleted-github': ['restore-repository'],
  'secret-committed-azdo': ['revoke-secret', 'notify-soc'],
  'secret-committed-github': ['revoke-secret', 'notify-soc'],
  'xdr-new-country': ['investigate-sign-in', 'triage-xdr'],
};

let h: IntakeHarness;
before(async () => {
  h = await IntakeHarness.start();
});
after(async () => {
  await h.close();
});

test('the fixture list and the expectations agree', () => {
  const files = readdirSync(new URL('../../../test/fixtures/incidents/', import.meta.url)).map((f) => f.replace(/\.json$/, ''));
  assert.deepEqual(files.sort(), Object.keys(expected).sort());
});

for (const [name, playbooks] of Object.entries(expected)) {
  test(`fixture ${name} is accepted and starts ${playbooks.join(', ')}`, async () => {
    const res = await h.post(fixtureText(name));
    assert.equal(res.status, 202, res.text);
    const body = fixture(name);
    const arm = body.object ?? body;
    assert.deepEqual(res.json.incident, { id: arm.id, number: arm.properties.incidentNumber });
    assert.match(res.json.deliveryId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      res.json.runs.map((r) => [r.playbook, r.instanceId, r.duplicate]),
      playbooks.map((p) => [p, `${p}-inc-${name}-create`, false]),
    );
    for (const run of res.json.runs) {
      assert.match(run.statusQueryGetUri, new RegExp(`/runtime/webhooks/durabletask/instances/${run.instanceId}`));
      assert.doesNotMatch(run.statusQueryGetUri, /code=/);
      const status = await h.completed(run.instanceId);
      assert.equal((status.output as IntakeTestRunOutput).incident, `inc-${name}`);
      assert.equal((status.output as IntakeTestRunOutput).playbook, run.playbook);
      assert.equal((status.input as PlaybookRunInput).source, 'webhook');
      assert.equal((status.input as PlaybookRunInput).deliveryId, res.json.deliveryId);
      assert.equal((status.input as PlaybookRunInput).incident.id, arm.id);
    }
  });
}

test('the orchestration sees the typed incident: accounts and custom details', async () => {
  const status = await h.completed('revoke-secret-inc-secret-committed-github-create');
  assert.deepEqual((status.output as IntakeTestRunOutput).accounts, ['dave-gh', 'dave@contoso.com']);
  assert.deepEqual((status.output as IntakeTestRunOutput).platform, ['GitHub']);
});

test('an incident nothing matches answers 200 with the reason and starts nothing', async () => {
  const body = fixture('repo-deleted-github');
  renamed(body, 'inc-unmatched');
  body.object.properties.relatedAnalyticRuleIds = [];
  body.object.properties.alerts = [];
  const before = (await h.runs()).length;
  const res = await h.post(body);
  assert.equal(res.status, 200);
  assert.deepEqual(res.json.runs, []);
  assert.match(res.json.reason ?? '', /^No playbook matched incident 101\. restore-repository: analytic rule none is not one of /);
  assert.match(res.json.reason ?? '', /switched-off: disabled/);
  assert.equal((await h.runs()).length, before);
});

test('GET /api/playbooks lists the catalogue with effective triggers', async () => {
  const res = await h.get('/api/playbooks');
  assert.equal(res.status, 200);
  assert.equal(res.json.playbooks.length, 11);
  assert.deepEqual(res.json.playbooks[5], {
    name: 'notify-soc',
    title: 'Test playbook notify-soc',
    version: '1.0.0',
    trigger: { severities: ['High'], eventTypes: ['Create'], enabled: true },
    orchestrationName: 'intakeTestPlaybook',
  });
  const anonymous = await fetch(`${h.host.url}/api/playbooks`);
  assert.equal(anonymous.status, 401);
});

test('Update events route to update playbooks; each distinct update is its own run', async () => {
  const body = fixture('repo-deleted-azdo');
  body.objectEventType = 'Update';
  body.object.properties.status = 'Closed';
  body.object.properties.classification = 'TruePositive';
  const first = await h.post(body);
  assert.equal(first.status, 202);
  assert.deepEqual(
    first.json.runs.map((r) => [r.playbook, r.instanceId, r.duplicate]),
    [['closed-watcher', 'closed-watcher-inc-repo-deleted-azdo-update-20261120T080002Z', false]],
  );
  assert.equal((await h.post(body)).json.runs[0].duplicate, true);
  body.object.properties.lastModifiedTimeUtc = '2026-11-20T09:30:00Z';
  const later = await h.post(body);
  assert.deepEqual(
    later.json.runs.map((r) => [r.instanceId, r.duplicate]),
    [['closed-watcher-inc-repo-deleted-azdo-update-20261120T093000Z', false]],
  );
});

test('two updates within one second are two runs: the id keeps the milliseconds of the change', async () => {
  const body = fixture('repo-deleted-azdo');
  body.objectEventType = 'Update';
  body.object.properties.status = 'Closed';
  body.object.properties.classification = 'TruePositive';
  const ids: [string, boolean][] = [];
  for (const time of ['2026-11-21T08:00:02.1234567Z', '2026-11-21T08:00:02.9876543Z', '2026-11-21T10:00:02.9876543+02:00']) {
    body.object.properties.lastModifiedTimeUtc = time;
    const res = await h.post(body);
    assert.equal(res.status, 202, res.text);
    ids.push(...res.json.runs.map((r): [string, boolean] => [r.instanceId, r.duplicate]));
  }
  assert.deepEqual(ids, [
    ['closed-watcher-inc-repo-deleted-azdo-update-20261121T080002.123Z', false],
    ['closed-watcher-inc-repo-deleted-azdo-update-20261121T080002.987Z', false],
    ['closed-watcher-inc-repo-deleted-azdo-update-20261121T080002.987Z', true], // the same instant, with an offset
  ]);
});

test('a 128-character incident name: the run id is shortened to 100 characters, deterministic and unique', async () => {
  const post = (name: string) => {
    const body = fixture('repo-deleted-github');
    renamed(body, name);
    return h.post(body);
  };
  const [a, b] = ['A'.repeat(120) + '-0000001', 'a'.repeat(120) + '-0000002'];
  const first = await post(a);
  assert.equal(first.status, 202, first.text);
  const id = first.json.runs[0].instanceId;
  assert.equal(id.length, 100);
  assert.match(id, /^restore-repository-a{63}-[0-9a-f]{10}-create$/);
  assert.equal(((await h.completed(id)).output as IntakeTestRunOutput).incident, a, 'the runtime took the id');
  const again = await post(a.toLowerCase());
  assert.deepEqual(again.json.runs.map((r) => [r.instanceId, r.duplicate]), [[id, true]], 'the same incident (names are case-insensitive) maps to the same run');
  const other = await post(b);
  assert.equal(other.status, 202, other.text);
  assert.notEqual(other.json.runs[0].instanceId, id);
  assert.equal(other.json.runs[0].duplicate, false);
  assert.equal(other.json.runs[0].instanceId.length, 100);
});

test('the longest playbook name on an Update of a GUID-named incident: the id still fits in 100 characters', async () => {
  const body = fixture('repo-deleted-github');
  const name = '6F1E2D3C-4B5A-4978-8A6B-5C4D3E2F1A0B';
  renamed(body, name);
  body.objectEventType = 'Update';
  body.object.properties.lastModifiedTimeUtc = '2026-11-20T08:00:02.1234567Z';
  body.object.properties.labels = [{ labelName: 'long-playbook-name', labelType: 'User' }];
  const res = await h.post(body);
  assert.equal(res.status, 202, res.text);
  const [run] = res.json.runs;
  assert.equal(run?.playbook, 'notify-the-security-operations-centre-of-updates');
  assert.match(run!.instanceId, /^notify-the-security-operations-centre-of-updates-6f1e2d3c-4b5-[0-9a-f]{10}-update-20261120T080002\.123Z$/);
  assert.equal(run!.instanceId.length, 100);
  assert.equal(((await h.completed(run!.instanceId)).output as IntakeTestRunOutput).incident, name);
});

test('when the durable runtime refuses the only run: 503 naming the playbook, the delivery recorded, and it can be retried', async () => {
  const body = fixture('repo-deleted-azdo');
  renamed(body, 'inc-broken');
  body.object.properties.alerts = [];
  body.object.properties.relatedAnalyticRuleIds = [];
  body.object.properties.labels = [{ labelName: 'broken-wiring', labelType: 'User' }];
  const runsBefore = (await h.runs()).length;
  const res = await h.post(body);
  assert.equal(res.status, 503);
  assert.equal(res.json.error.code, 'runs_not_started');
  assert.equal(res.json.error.message, 'The durable runtime did not start the runs of 1 playbook; retry the delivery (runs that started are duplicates then).');
  assert.deepEqual(res.json.runs, []);
  assert.deepEqual(res.json.failed?.map((f) => f.playbook), ['broken-wiring']);
  assert.match(res.json.failed![0]!.error, /noSuchOrchestration/);
  assert.equal((await h.runs()).length, runsBefore, 'no run started');
  const [record] = (await h.get('/api/intake?incident=inc-broken')).json.records;
  assert.equal(record?.deliveryId, res.json.deliveryId);
  assert.deepEqual(record?.runs, []);
  assert.deepEqual(record?.failed, res.json.failed);
  assert.equal(record?.duplicate, false);
  assert.ok(h.host.logger.lines.some((l) => l.includes(`Delivery ${res.json.deliveryId}: starting runs failed: broken-wiring: `)));
});

test('when one of two runs is refused: the other starts, 503 lists both, the ledger records both, a retry retries only the refused one', async () => {
  const body = fixture('repo-deleted-azdo');
  renamed(body, 'inc-mixed');
  body.object.properties.alerts = [];
  body.object.properties.relatedAnalyticRuleIds = [];
  body.object.properties.severity = 'High'; // notify-soc
  body.object.properties.labels = [{ labelName: 'broken-wiring', labelType: 'User' }];
  const first = await h.post(body);
  assert.equal(first.status, 503, first.text);
  assert.equal(first.json.error.code, 'runs_not_started');
  assert.deepEqual(first.json.incident, { id: body.object.id, number: 102 });
  assert.deepEqual(first.json.runs.map((r) => [r.playbook, r.instanceId, r.duplicate]), [['notify-soc', 'notify-soc-inc-mixed-create', false]]);
  assert.deepEqual(first.json.failed?.map((f) => f.playbook), ['broken-wiring']);
  for (const text of [first.text, ...h.host.logger.lines]) assert.ok(!text.includes(h.host.functionKey), 'no key in the answer or the log');
  assert.equal(((await h.completed('notify-soc-inc-mixed-create')).output as IntakeTestRunOutput).playbook, 'notify-soc');

  const retry = await h.post(body);
  assert.equal(retry.status, 503);
  assert.deepEqual(retry.json.runs.map((r) => [r.instanceId, r.duplicate]), [['notify-soc-inc-mixed-create', true]]);
  assert.deepEqual(retry.json.failed?.map((f) => f.playbook), ['broken-wiring']);

  const records = (await h.get('/api/intake?incident=inc-mixed')).json.records;
  assert.deepEqual(
    records.map((r) => [r.deliveryId, r.runs.map((run) => [run.instanceId, run.duplicate]), r.failed?.map((f) => f.playbook), r.duplicate]),
    [
      [retry.json.deliveryId, [['notify-soc-inc-mixed-create', true]], ['broken-wiring'], false],
      [first.json.deliveryId, [['notify-soc-inc-mixed-create', false]], ['broken-wiring'], false],
    ],
  );
});
