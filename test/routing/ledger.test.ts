// The ledger's group commit and its query, against a stand-in durable client whose calls the test completes
// by hand; and the durable client cache. The same code on the local host is covered by test/intake/ledger.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { durableClient, tuneLoopbackTransport } from '../../src/routing/client.js';
import {
  LEDGER_BATCH_MAX,
  LEDGER_ORCHESTRATION,
  LedgerWriter,
  parseLedgerCursor,
  queryLedger,
  type IntakeRecord,
  type LedgerBatch,
  type LedgerClient,
} from '../../src/routing/ledger.js';

function record(n: number, extra: Partial<IntakeRecord> = {}): IntakeRecord {
  return {
    deliveryId: `d-${String(n).padStart(3, '0')}`,
    receivedAtUtc: new Date(Date.UTC(2026, 10, 20, 8, 0, n)).toISOString(),
    source: 'webhook',
    incident: { id: `/subscriptions/x/incidents/inc-${n}`, name: `inc-${n}`, number: n, eventType: 'Create' },
    runs: [],
    duplicate: false,
    ...extra,
  };
}

/** A client whose startNew calls stay pending until the test settles them. */
class HeldClient implements LedgerClient {
  readonly calls: { name: string; instanceId: string; input: LedgerBatch; settle: (err?: Error) => void }[] = [];
  startNew(name: string, options?: { instanceId?: string; input?: unknown }): Promise<string> {
    return new Promise((resolve, reject) => {
      this.calls.push({
        name,
        instanceId: options!.instanceId!,
        input: options!.input as LedgerBatch,
        settle: (err) => (err ? reject(err) : resolve(options!.instanceId!)),
      });
    });
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('records queued while a ledger write is in flight go together in the next write; each delivery waits for its own', async () => {
  const client = new HeldClient();
  const writer = new LedgerWriter(client);
  const done: string[] = [];
  const write = (n: number) => writer.write(record(n)).then(() => done.push(record(n).deliveryId));

  const first = write(1);
  await turn();
  assert.equal(client.calls.length, 1, 'a delivery arriving alone is written at once');
  assert.deepEqual(client.calls[0]!.input.records.map((r) => r.deliveryId), ['d-001']);
  assert.equal(client.calls[0]!.name, LEDGER_ORCHESTRATION);
  assert.equal(client.calls[0]!.instanceId, 'intake-d-001');

  const rest = [2, 3, 4, 5, 6].map(write);
  await turn();
  assert.equal(client.calls.length, 1, 'nothing else is written while the first write is in flight');
  assert.deepEqual(done, []);

  client.calls[0]!.settle();
  await first;
  await turn();
  assert.deepEqual(done, ['d-001'], 'the others are not answered before their own write is stored');
  assert.equal(client.calls.length, 2);
  assert.deepEqual(client.calls[1]!.input.records.map((r) => r.deliveryId), ['d-002', 'd-003', 'd-004', 'd-005', 'd-006']);
  assert.equal(client.calls[1]!.instanceId, 'intake-d-002');

  client.calls[1]!.settle();
  await Promise.all(rest);
  assert.deepEqual(done, ['d-001', 'd-002', 'd-003', 'd-004', 'd-005', 'd-006']);
});

test('deliveries finishing in the same turn share the first write; a write carries at most LEDGER_BATCH_MAX records', async () => {
  const client = new HeldClient();
  const writer = new LedgerWriter(client);
  const all = Array.from({ length: LEDGER_BATCH_MAX + 3 }, (_, i) => writer.write(record(i)));
  await turn();
  assert.equal(client.calls.length, 1);
  assert.equal(client.calls[0]!.input.records.length, LEDGER_BATCH_MAX);
  client.calls[0]!.settle();
  await turn();
  await turn();
  assert.equal(client.calls.length, 2);
  assert.deepEqual(client.calls[1]!.input.records.map((r) => r.deliveryId), ['d-064', 'd-065', 'd-066']);
  client.calls[1]!.settle();
  await Promise.all(all);
});

test('a failed write fails every delivery it carried (they answer 503 and are retried); later writes go on', async () => {
  const client = new HeldClient();
  const writer = new LedgerWriter(client);
  const first = writer.write(record(1));
  await turn();
  const second = writer.write(record(2));
  const third = writer.write(record(3));
  client.calls[0]!.settle();
  await first;
  await turn();
  client.calls[1]!.settle(new Error('The operation failed with an unexpected status code: 500.'));
  await assert.rejects(second, /unexpected status code: 500/);
  await assert.rejects(third, /unexpected status code: 500/);
  const fourth = writer.write(record(4));
  await turn();
  assert.deepEqual(client.calls[2]!.input.records.map((r) => r.deliveryId), ['d-004']);
  client.calls[2]!.settle();
  await fourth;
});

test('the query reads batches, single records written before batching, and batches still pending; newest first', async () => {
  const status = (instanceId: string, runtimeStatus: string, input: unknown, output: unknown, name = LEDGER_ORCHESTRATION) => ({
    name,
    instanceId,
    runtimeStatus,
    createdTime: '2026-11-20T08:00:00Z',
    lastUpdatedTime: '2026-11-20T08:00:00Z',
    input,
    output,
  });
  const pending: LedgerBatch = { records: [record(5), record(6, { incident: { id: '/x/incidents/inc-6', name: 'inc-6', eventType: 'Create' } })] };
  const statuses = [
    status('intake-d-001', 'Completed', null, { records: [record(1), record(3)] }),
    status('intake-d-002', 'Completed', null, record(2)), // one record per instance, as written before batching
    status('intake-d-005', 'Pending', null, null), // lists leave the input out
    status('revoke-secret-inc-4-create', 'Completed', null, { records: [record(4)] }, 'revokeSecret'), // not the ledger
    status('intake-d-009', 'Completed', null, 'not a record'),
  ];
  const client = {
    getStatusBy: async () => statuses,
    getStatus: async (id: string) => {
      assert.equal(id, 'intake-d-005', 'only the pending ledger instance is read on its own');
      return status(id, 'Pending', pending, null);
    },
  } as unknown as DurableClient;
  const ids = async (query: Parameters<typeof queryLedger>[1]) => (await queryLedger(client, query)).records.map((r) => r.deliveryId);
  assert.deepEqual(await ids({ top: 100 }), ['d-006', 'd-005', 'd-003', 'd-002', 'd-001']);
  assert.deepEqual(await ids({ top: 2 }), ['d-006', 'd-005']);
  assert.deepEqual(await ids({ top: 100, incident: 'INC-3' }), ['d-003']);
  assert.deepEqual(await ids({ top: 100, incident: '2' }), ['d-002']);
  assert.deepEqual(await ids({ top: 100, since: new Date(Date.UTC(2026, 10, 20, 8, 0, 3)) }), ['d-006', 'd-005', 'd-003']);
});

test('pages of the query: records received in the same millisecond are neither skipped nor repeated at a page boundary', async () => {
  const at = '2026-11-20T08:00:00.000Z';
  const records = ['d-a', 'd-b', 'd-c', 'd-d', 'd-e'].map((deliveryId) => ({ ...record(1), deliveryId, receivedAtUtc: at }));
  const client = {
    getStatusBy: async () => [{ name: LEDGER_ORCHESTRATION, instanceId: 'intake-d-a', runtimeStatus: 'Completed', output: { records } }],
  } as unknown as DurableClient;
  const first = await queryLedger(client, { top: 2 });
  assert.deepEqual(first.records.map((r) => r.deliveryId), ['d-e', 'd-d']);
  assert.equal(first.next, `${at}~d-d`);
  const second = await queryLedger(client, { top: 2, before: parseLedgerCursor(first.next!)! });
  assert.deepEqual(second.records.map((r) => r.deliveryId), ['d-c', 'd-b']);
  const third = await queryLedger(client, { top: 2, before: parseLedgerCursor(second.next!)! });
  assert.deepEqual([third.records.map((r) => r.deliveryId), third.next], [['d-a'], undefined]);
});

test('one durable client per client binding: reused across invocations, a new one for other binding data', (t) => {
  const hostName = process.env.WEBSITE_HOSTNAME;
  process.env.WEBSITE_HOSTNAME = '127.0.0.1:7071'; // as the platform (and the local host) sets it
  t.after(() => {
    if (hostName === undefined) delete process.env.WEBSITE_HOSTNAME;
    else process.env.WEBSITE_HOSTNAME = hostName;
  });
  const input = df.input.durableClient();
  const context = (data: unknown): InvocationContext => {
    const ctx = new InvocationContext({ options: { extraInputs: [input] } });
    ctx.extraInputs.set(input, data);
    return ctx;
  };
  const binding = (key: string, rpcBaseUrl = 'http://127.0.0.1:7071/durabletask/') => ({
    taskHubName: 'TestHub',
    creationUrls: { createNewInstancePostUri: `http://127.0.0.1:7071/runtime/webhooks/durabletask/orchestrators/{functionName}[/{instanceId}]?code=${key}` },
    managementUrls: { id: 'INSTANCEID', statusQueryGetUri: `http://127.0.0.1:7071/runtime/webhooks/durabletask/instances/INSTANCEID?code=${key}` },
    baseUrl: 'http://127.0.0.1:7071/runtime/webhooks/durabletask',
    requiredQueryStringParameters: `code=${key}`,
    rpcBaseUrl,
  });
  const a = durableClient(context(binding('one')));
  assert.equal(durableClient(context(binding('one'))), a, 'equal binding data (a fresh object each invocation) → the same client');
  const b = durableClient(context(binding('two')));
  assert.notEqual(b, a);
  assert.match(b.createHttpManagementPayload('x').statusQueryGetUri, /code=two/);
  assert.throws(() => durableClient(new InvocationContext({ options: { extraInputs: [] } })), /durable client input binding/);

  // The loopback endpoint is called without redirects or proxy; any other endpoint keeps the library's defaults.
  type Defaults = { maxRedirects?: number; proxy?: unknown; transformRequest: ((data: unknown, headers: unknown) => unknown)[] };
  const transport = (client: DurableClient) => (client as unknown as { axiosInstance: { defaults: Defaults } }).axiosInstance.defaults;
  assert.deepEqual([transport(a).maxRedirects, transport(a).proxy], [0, false], 'durable-functions still keeps its axios instance where the tuning expects it');
  const body = JSON.stringify({ incident: { title: 'x' } });
  assert.equal(transport(a).transformRequest.length, 1);
  assert.equal(transport(a).transformRequest[0]!.call(transport(a), body, undefined), body, 'JSON text is sent as the client made it');
  const remote = durableClient(context(binding('three', 'https://example.azurewebsites.net/durabletask/')));
  assert.equal(tuneLoopbackTransport(remote), false);
  assert.notEqual(transport(remote).maxRedirects, 0);

  // Without a host name durable-functions points the links at localhost:7071; that client is not kept.
  delete process.env.WEBSITE_HOSTNAME;
  const local = binding('four', 'http://127.0.0.1:9999/durabletask/');
  const first = durableClient(context(local));
  assert.match(first.createHttpManagementPayload('x').statusQueryGetUri, /^http:\/\/localhost:7071\//);
  assert.notEqual(durableClient(context(local)), first);
});
