import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { sentinel } from '../../src/actions/index.js';
import { RemoteApiError, ValidationError } from '../../src/clients/errors.js';
import type { World } from '../../src/sandbox/index.js';
import { describeActionCases, pathOf, rejection, startActionHarness } from './harness.js';

const h = await startActionHarness();
after(() => h.close());

const INCIDENT = 'inc-secret-committed-github';
const incidentPath = (suffix = ''): RegExp => new RegExp(`/incidents/${INCIDENT}${suffix}$`);
const incidentOf = (world: World) => world.sentinel.incidents.find((i) => i.name === INCIDENT)!;

describeActionCases(h, [
  {
    action: sentinel.getIncident,
    input: { incidentId: INCIDENT },
    fault: { service: 'sentinel', method: 'GET', path: incidentPath() },
    verify(output, world) {
      const o = output as { title: string; etag: string; status: string; incidentNumber: number };
      assert.equal(o.title, incidentOf(world).properties.title);
      assert.equal(o.etag, incidentOf(world).etag);
      assert.equal(o.status, 'New');
    },
    snapshot: (world) => incidentOf(world),
  },
  {
    action: sentinel.updateIncident,
    input: { incidentId: INCIDENT, status: 'Active', severity: 'High', labelsToAdd: ['soar', 'secret-leak'], owner: { email: 'soc@contoso.com' } },
    fault: { service: 'sentinel', method: 'PUT', path: incidentPath() },
    verify(output, world) {
      const p = incidentOf(world).properties;
      assert.equal(p.status, 'Active');
      assert.equal(p.severity, 'High');
      assert.deepEqual(p.labels.map((l) => l.labelName).filter((n) => n === 'soar' || n === 'secret-leak'), ['soar', 'secret-leak']);
      assert.equal((output as { status: string }).status, 'Active');
    },
    snapshot: (world) => {
      const p = incidentOf(world).properties;
      return { status: p.status, severity: p.severity, labels: p.labels, owner: p.owner };
    },
  },
  {
    action: sentinel.addComment,
    input: { incidentId: INCIDENT, html: '<p>Secret revoked by <b>SOAR</b></p>' },
    fault: { service: 'sentinel', method: 'PUT', path: incidentPath('/comments/[^/]+') },
    verify(output, world) {
      const comments = incidentOf(world).comments;
      assert.equal(comments.length, 1);
      assert.equal(comments[0]!.name, (output as { commentId: string }).commentId);
      assert.equal(comments[0]!.properties.message, '<p>Secret revoked by <b>SOAR</b></p>');
    },
    snapshot: (world) => incidentOf(world).comments.map((c) => [c.name, c.properties.message]),
  },
  {
    action: sentinel.addTask,
    input: { incidentId: INCIDENT, title: 'Confirm the token owner rotated it', description: 'Ask dave-gh' },
    fault: { service: 'sentinel', method: 'PUT', path: incidentPath('/tasks/[^/]+') },
    verify(output, world) {
      const tasks = incidentOf(world).tasks;
      assert.equal(tasks.length, 1);
      assert.equal(tasks[0]!.name, (output as { taskId: string }).taskId);
      assert.equal(tasks[0]!.properties.title, 'Confirm the token owner rotated it');
      assert.equal(tasks[0]!.properties.status, 'New');
    },
    snapshot: (world) => incidentOf(world).tasks.map((t) => [t.name, t.properties.title, t.properties.status]),
  },
  {
    action: sentinel.listEntities,
    input: { incidentId: INCIDENT },
    fault: { service: 'sentinel', method: 'POST', path: incidentPath('/entities') },
    verify(output, world) {
      const entities = (output as { entities: Array<{ kind: string; name: string; properties: Record<string, unknown> }> }).entities;
      assert.deepEqual(entities.map((e) => e.kind), incidentOf(world).entities.map((e) => e.kind));
      assert.ok(entities.length > 0);
      const account = entities.find((e) => e.kind === 'Account');
      if (account) assert.equal(typeof account.properties.accountName, 'string');
    },
    snapshot: (world) => incidentOf(world).entities,
  },
  {
    action: sentinel.listAlerts,
    input: { incidentId: INCIDENT },
    fault: { service: 'sentinel', method: 'POST', path: incidentPath('/alerts') },
    verify(output, world) {
      const alerts = (output as { alerts: Array<{ properties: Record<string, unknown> }> }).alerts;
      assert.equal(alerts.length, incidentOf(world).alerts.length);
      assert.deepEqual(alerts[0]!.properties.additionalData, incidentOf(world).alerts[0]!.properties.additionalData);
    },
    snapshot: (world) => incidentOf(world).alerts,
  },
  {
    action: sentinel.listIncidents,
    input: { createdAfter: '2000-01-01T00:00:00Z', statuses: ['New'] },
    fault: { service: 'sentinel', method: 'GET', path: /\/incidents$/ },
    verify(output, world) {
      const names = (output as { incidents: Array<{ name: string }> }).incidents.map((i) => i.name).sort();
      const expected = world.sentinel.incidents.filter((i) => i.properties.status === 'New').map((i) => i.name).sort();
      assert.deepEqual(names, expected);
    },
    snapshot: (world) => world.sentinel.incidents.map((i) => i.etag),
  },
]);

describe('sentinel.listIncidents window', () => {
  beforeEach(() => h.sandbox.reset());

  test('lists the incidents created in the window, oldest first, through every page; at most top, and says so', async () => {
    const world = h.sandbox.world().sentinel;
    const at = (minute: number) => new Date(Date.UTC(2026, 9, 1) + minute * 60_000).toISOString();
    for (let i = 0; i < 450; i++) {
      const incident = structuredClone(incidentOf(h.sandbox.world()));
      incident.name = `inc-window-${i}`;
      incident.properties.incidentNumber = 5000 + i;
      incident.properties.createdTimeUtc = at(i);
      world.incidents.push(incident);
    }
    world.incidents.reverse(); // the listing's order is its own
    const names = (output: unknown) => (output as { incidents: { name: string }[] }).incidents.map((i) => i.name);
    const window = { createdAfter: at(10), createdBefore: at(420), statuses: ['New'] };
    const calls = h.callsTo(/\/incidents$/);
    assert.deepEqual(names(await h.run(sentinel.listIncidents, { ...window, top: 1000 })), Array.from({ length: 410 }, (_, i) => `inc-window-${10 + i}`));
    assert.equal(h.callsTo(/\/incidents$/) - calls, 3, 'three pages of at most 200');
    assert.deepEqual(h.logs.filter((l) => l.includes('more exist')), []);

    assert.deepEqual(names(await h.run(sentinel.listIncidents, { ...window, top: 100 })), Array.from({ length: 100 }, (_, i) => `inc-window-${10 + i}`));
    assert.ok(
      h.logs.some((l) => l.includes(`Listed the first 100 incidents created from ${at(10)} to ${at(420)}; more exist`)),
      h.logs.join('\n'),
    );
  });
});

describe('sentinel.updateIncident rules', () => {
  beforeEach(() => h.sandbox.reset());

  test('closing needs a valid classification and reason pair, checked before any call', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ status: 'Closed' }, 'classification'],
      [{ status: 'Closed', classification: 'BenignPositive' }, 'classificationReason'],
      [{ status: 'Closed', classification: 'TruePositive', classificationReason: 'InaccurateData' }, 'classificationReason'],
      [{ status: 'Closed', classification: 'Undetermined', classificationReason: 'SuspiciousActivity' }, 'classificationReason'],
      [{ status: 'Active', classification: 'FalsePositive', classificationReason: 'IncorrectAlertLogic' }, 'status'],
      [{ severity: 'Critical' }, 'severity'],
      [{}, ''],
    ];
    for (const [change, path] of cases) {
      const error = await rejection(h.run(sentinel.updateIncident, { incidentId: INCIDENT, ...change }));
      assert.ok(error instanceof ValidationError, `${JSON.stringify(change)}: ${error.message}`);
      assert.equal(error.retryable, false);
      assert.ok(error.issues.some((i) => i.path === path), `${JSON.stringify(change)} names '${path}': ${error.message}`);
    }
    assert.equal(h.sandbox.calls({ service: 'sentinel' }).length, 0);
  });

  test('closes with a valid pair', async () => {
    await h.run(sentinel.updateIncident, {
      incidentId: INCIDENT,
      status: 'Closed',
      classification: 'FalsePositive',
      classificationReason: 'InaccurateData',
      classificationComment: 'test token',
    });
    const p = incidentOf(h.sandbox.world()).properties;
    assert.deepEqual([p.status, p.classification, p.classificationReason], ['Closed', 'FalsePositive', 'InaccurateData']);
  });

  test('a 409 from a concurrent writer is re-read and re-applied', async () => {
    h.sandbox.faults.add({ service: 'sentinel', method: 'PUT', pathPattern: incidentPath().source, status: 409, count: 1 });
    await h.run(sentinel.updateIncident, { incidentId: INCIDENT, labelsToAdd: ['after-conflict'] });
    assert.ok(incidentOf(h.sandbox.world()).properties.labels.some((l) => l.labelName === 'after-conflict'));
    const gets = h.sandbox.calls({ service: 'sentinel' }).filter((c) => c.method === 'GET' && incidentPath().test(pathOf(c)));
    assert.equal(gets.length, 2, 'the incident was read again after the conflict');
    assert.ok(h.logs.some((line) => line.includes('409')));
  });

  test('conflicts are re-applied a bounded number of times, then surface as a 409', async () => {
    h.sandbox.faults.add({ service: 'sentinel', method: 'PUT', pathPattern: incidentPath().source, status: 409 });
    const error = await rejection(h.run(sentinel.updateIncident, { incidentId: INCIDENT, severity: 'Low' }));
    assert.ok(error instanceof RemoteApiError);
    assert.deepEqual([error.status, error.retryable], [409, false]);
    assert.ok(error.remoteCode);
    const puts = h.sandbox.calls({ service: 'sentinel' }).filter((c) => c.method === 'PUT');
    assert.equal(puts.length, 4);
  });

  test('a real stale etag (another writer between our read and write) is re-read and re-applied', async () => {
    // Our PUT is held for 400 ms; as soon as our first read completes, another writer changes the incident.
    h.sandbox.faults.add({ service: 'sentinel', method: 'PUT', pathPattern: incidentPath().source, latencyMs: 400, count: 1 });
    const running = h.run(sentinel.updateIncident, { incidentId: INCIDENT, severity: 'Low' });
    const deadline = Date.now() + 5000;
    while (!h.sandbox.calls({ service: 'sentinel' }).some((c) => c.method === 'GET')) {
      assert.ok(Date.now() < deadline, 'the incident was read');
      await new Promise((r) => setTimeout(r, 2));
    }
    incidentOf(h.sandbox.world()).etag = '"changed-by-another-writer"';
    await running;
    assert.equal(incidentOf(h.sandbox.world()).properties.severity, 'Low');
    const puts = h.sandbox.calls({ service: 'sentinel' }).filter((c) => c.method === 'PUT');
    assert.deepEqual(puts.map((c) => c.status), [409, 200]);
  });

  test('an unknown incident is a 404 RemoteApiError with the ARM code, not retried', async () => {
    const error = await rejection(h.run(sentinel.getIncident, { incidentId: 'no-such-incident' }));
    assert.ok(error instanceof RemoteApiError);
    assert.equal(error.status, 404);
    assert.equal(error.api, 'Sentinel');
    assert.ok(error.remoteCode, 'a remote code');
    assert.equal(h.sandbox.calls({ service: 'sentinel' }).length, 1);
  });

  test('an incident ARM id is accepted as the incident reference', async () => {
    const world = h.sandbox.world().sentinel;
    const armId =
      `/subscriptions/${world.subscriptionId}/resourceGroups/${world.resourceGroup}/providers/Microsoft.OperationalInsights` +
      `/workspaces/${world.workspaceName}/providers/Microsoft.SecurityInsights/incidents/${INCIDENT}`;
    const output = (await h.run(sentinel.getIncident, { incidentId: armId })) as { name: string };
    assert.equal(output.name, INCIDENT);
  });
});
