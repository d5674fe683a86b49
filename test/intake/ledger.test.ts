import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fixture, IntakeHarness, renamed } from './harness.js';

let h: IntakeHarness;
before(async () => {
  h = await IntakeHarness.start();
});
after(async () => {
  await h.close();
});

test('every accepted delivery is recorded and queryable, newest first', async () => {
  const start = new Date().toISOString();
  const body = fixture('repo-deleted-azdo');
  const first = await h.post(body);
  const second = await h.post(body);
  const unmatched = fixture('repo-deleted-azdo');
  unmatched.object.properties.alerts = [];
  unmatched.object.properties.relatedAnalyticRuleIds = [];
  renamed(unmatched, 'inc-ledger-unmatched');
  unmatched.object.properties.incidentNumber = 900;
  const third = await h.post(unmatched);
  assert.deepEqual([first.status, second.status, third.status], [202, 202, 200]);
  await h.post('{"not": "an incident"}'); // rejected: not recorded

  const res = await h.get('/api/intake');
  assert.equal(res.status, 200);
  const records = res.json.records;
  assert.deepEqual(
    records.map((r) => r.deliveryId),
    [third.json.deliveryId, second.json.deliveryId, first.json.deliveryId],
  );
  const incidentId = body.object.id;
  assert.deepEqual(records[2], {
    deliveryId: first.json.deliveryId,
    receivedAtUtc: records[2].receivedAtUtc,
    source: 'webhook',
    eventUniqueId: 'e0e00000-0000-4000-8000-000000000102',
    incident: { id: incidentId, name: 'inc-repo-deleted-azdo', number: 102, eventType: 'Create' },
    runs: [{ playbook: 'restore-repository', instanceId: 'restore-repository-inc-repo-deleted-azdo-create', duplicate: false }],
    duplicate: false,
  });
  assert.ok(records[2].receivedAtUtc >= start);
  assert.equal(records[1].duplicate, true);
  assert.deepEqual(records[1].runs, [{ playbook: 'restore-repository', instanceId: 'restore-repository-inc-repo-deleted-azdo-create', duplicate: true }]);
  assert.deepEqual(records[0].runs, []);
  assert.equal(records[0].duplicate, false);
  assert.match(records[0].reason ?? '', /^No playbook matched incident 900\./);
});

test('filters: incident by number, name or ARM id; since; top', async () => {
  const byNumber = await h.get('/api/intake?incident=102');
  assert.equal(byNumber.json.records.length, 2);
  const byName = await h.get('/api/intake?incident=INC-REPO-DELETED-AZDO');
  assert.equal(byName.json.records.length, 2);
  const id = fixture('repo-deleted-azdo').object.id;
  const byId = await h.get(`/api/intake?incident=${encodeURIComponent(id)}`);
  assert.equal(byId.json.records.length, 2);
  assert.equal((await h.get('/api/intake?top=1')).json.records.length, 1);
  const future = new Date(Date.now() + 60_000).toISOString();
  assert.deepEqual((await h.get(`/api/intake?since=${future}`)).json.records, []);
  assert.equal((await h.get('/api/intake?since=2020-01-01T00:00:00Z')).json.records.length, 3);
});

test('a bad query is a 400 listing each parameter; no key is a 401', async () => {
  const res = await h.get('/api/intake?top=0&since=yesterday');
  assert.equal(res.status, 400);
  assert.deepEqual(res.json, {
    error: {
      code: 'invalid_query',
      message: 'The query is invalid.',
      details: [
        { path: 'since', expected: 'ISO 8601 date-time with Z or an offset', received: 'yesterday' },
        { path: 'top', expected: 'integer 1–1000 (plain digits)', received: '0' },
      ],
    },
  });
  assert.equal((await fetch(`${h.host.url}/api/intake`)).status, 401);
});

test('only ISO 8601 date-times with a zone and plain decimal numbers are taken; anything else is a 400 naming the parameter', async () => {
  const cases: [query: string, path: string][] = [
    ['since=%2B275760-09-13T00:00:00.000Z', 'since'], // the largest Date: was a 500 with an empty body
    ['since=1', 'since'], // Date.parse: 2001-01-01
    ['since=2026-11-20T08:00:00', 'since'], // no zone: the server's
    ['since=2026-02-30T00:00:00Z', 'since'],
    ['top=0x10', 'top'],
    ['top=1e2', 'top'],
    ['top=2.5', 'top'],
    ['top=%205', 'top'],
    ['top=', 'top'],
    ['top=1001', 'top'],
    ['before=yesterday', 'before'],
    ['before=1~d-1', 'before'],
    [`before=2026-11-20T08:00:00.000Z~${'x'.repeat(300)}`, 'before'],
  ];
  for (const [query, path] of cases) {
    const res = await h.get<{ error: { code: string; details: { path: string }[] } }>(`/api/intake?${query}`);
    assert.equal(res.status, 400, query);
    assert.equal(res.json.error.code, 'invalid_query', query);
    assert.deepEqual(res.json.error.details.map((d) => d.path), [path], query);
  }
  assert.equal((await h.get('/api/intake?since=2026-11-20T10:00:00%2B02:00&top=010')).status, 200);
});

test('concurrent deliveries are each recorded exactly once, each in one ledger instance named after its first record', async () => {
  const bodies = Array.from({ length: 30 }, (_, i) => {
    const body = fixture('repo-deleted-azdo');
    renamed(body, `inc-ledger-burst-${i}`);
    body.object.properties.incidentNumber = 1000 + i;
    return body;
  });
  const answers = await Promise.all(bodies.map((b) => h.post(b)));
  assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([202]));
  const delivered = answers.map((a) => a.json.deliveryId).sort();

  const records = (await h.get('/api/intake?top=1000')).json.records.filter((r) => r.incident.name.startsWith('inc-ledger-burst-'));
  assert.deepEqual(records.map((r) => r.deliveryId).sort(), delivered);
  for (const r of records) {
    assert.deepEqual(r.runs, [{ playbook: 'restore-repository', instanceId: `restore-repository-${r.incident.name}-create`, duplicate: false }]);
  }
  // Every record is in exactly one ledger instance, named after the first record it carries.
  const ledger = (await h.instances()).filter((i) => i.name === 'intakeLedgerRecord');
  const carried = ledger.flatMap((i) => ((i.input as { records?: { deliveryId: string }[] }).records ?? []).map((r) => [i.instanceId, r.deliveryId]));
  assert.deepEqual(carried.map(([, id]) => id).filter((id) => delivered.includes(id!)).sort(), delivered);
  for (const i of ledger) assert.equal(i.instanceId, `intake-${(i.input as { records: { deliveryId: string }[] }).records[0]!.deliveryId}`);
});

test('ledger instances written before batching (one record as the input) are still listed', async () => {
  const legacy = {
    deliveryId: '00000000-0000-4000-8000-00000000beef',
    receivedAtUtc: '2026-01-02T03:04:05.000Z',
    source: 'webhook',
    incident: { id: '/subscriptions/x/incidents/inc-legacy', name: 'inc-legacy', number: 77, eventType: 'Create' },
    runs: [{ playbook: 'restore-repository', instanceId: 'restore-repository-inc-legacy-create', duplicate: false }],
    duplicate: false,
  };
  const res = await fetch(`${h.host.url}/runtime/webhooks/durabletask/orchestrators/intakeLedgerRecord/intake-${legacy.deliveryId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-functions-key': h.host.functionKey },
    body: JSON.stringify(legacy),
  });
  assert.equal(res.status, 202);
  assert.deepEqual((await h.get('/api/intake?incident=inc-legacy')).json.records, [legacy]);
});

test('pages: newest first, `next` until the last page, each record exactly once', async () => {
  const bodies = Array.from({ length: 25 }, (_, i) => {
    const body = fixture('repo-deleted-azdo');
    renamed(body, `inc-ledger-page-${i}`);
    body.object.properties.incidentNumber = 4000 + i;
    return body;
  });
  for (const body of bodies) assert.equal((await h.post(body)).status, 202);
  const all = (await h.get('/api/intake?top=1000')).json;
  assert.equal(all.next, undefined, 'everything fitted on one page');
  const paged: string[] = [];
  let next: string | undefined;
  let pages = 0;
  do {
    const res = await h.get(`/api/intake?top=7${next ? `&before=${encodeURIComponent(next)}` : ''}`);
    assert.equal(res.status, 200);
    paged.push(...res.json.records.map((r) => r.deliveryId));
    next = res.json.next;
    if (next) assert.equal(next, `${res.json.records.at(-1)!.receivedAtUtc}~${res.json.records.at(-1)!.deliveryId}`);
    pages++;
  } while (next);
  assert.deepEqual(paged, all.records.map((r) => r.deliveryId));
  assert.equal(pages, Math.ceil(all.records.length / 7));
  // A time alone: the records received before it.
  const middle = all.records[10]!;
  const before = (await h.get(`/api/intake?top=1000&before=${middle.receivedAtUtc}`)).json.records;
  assert.deepEqual(before.map((r) => r.deliveryId), all.records.filter((r) => r.receivedAtUtc < middle.receivedAtUtc).map((r) => r.deliveryId));
});
