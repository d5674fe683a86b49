// Acceptance over HTTP on the real local host (startHost): a df.app.client.http starter, the status URL from
// createCheckStatusResponse, the durable client's other calls, and the Durable HTTP API's error answers.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startHost } from '../../src/host/index.js';
import { HostLogger } from '../../src/host/log.js';
import { urlDecode } from '../../src/host/durable/httpApi.js';
import { distDir, until } from './helpers.js';

const host = await startHost({
  appDir: path.join(distDir, 'test/apps/durableHttp'),
  main: 'index.js',
  port: 0,
  logger: new HostLogger({ mode: 'silent' }),
});
after(() => host.close());
const webhook = `${host.url}/runtime/webhooks/durabletask`;
const code = `code=${encodeURIComponent(host.functionKey)}`;

test('an HTTP starter starts an orchestration; its status URL reports Completed with the output', async () => {
  const started = await fetch(`${host.url}/api/orchestrators/greeting`, { method: 'POST', body: '"Tokyo"' });
  assert.equal(started.status, 202);
  const links = (await started.json()) as { id: string; statusQueryGetUri: string; sendEventPostUri: string };
  assert.equal(started.headers.get('location'), links.statusQueryGetUri);
  assert.ok(links.statusQueryGetUri.startsWith(`${webhook}/instances/${links.id}?`));
  const done = await until(async () => {
    const res = await fetch(links.statusQueryGetUri);
    const body = (await res.json()) as { runtimeStatus: string; output: unknown; input: unknown };
    return res.status === 200 ? body : undefined;
  });
  assert.equal(done.runtimeStatus, 'Completed');
  assert.deepEqual(done.output, ['Hello Tokyo!', 'Hello Tokyo again!']);
  assert.equal(done.input, 'Tokyo');
});

test('the unmodified durable client: status with history, raise event, suspend/resume, list, terminate, purge', async () => {
  const started = await fetch(`${host.url}/api/orchestrators/awaitDecision`, { method: 'POST' });
  const { id } = (await started.json()) as { id: string };
  await until(async () => {
    const s = (await (await fetch(`${host.url}/api/client/status/${id}`)).json()) as { customStatus: unknown };
    return s.customStatus === 'waiting' ? true : undefined;
  });
  assert.equal((await fetch(`${host.url}/api/client/suspend/${id}`, { method: 'POST' })).status, 202);
  assert.equal((await fetch(`${host.url}/api/client/raise/${id}`, { method: 'POST', body: '{"approved":true}' })).status, 202);
  await until(async () => {
    const s = (await (await fetch(`${host.url}/api/client/status/${id}`)).json()) as { runtimeStatus: string };
    return s.runtimeStatus === 'Suspended' ? true : undefined;
  });
  assert.equal((await fetch(`${host.url}/api/client/resume/${id}`, { method: 'POST' })).status, 202);
  const done = await until(async () => {
    const s = (await (await fetch(`${host.url}/api/client/status/${id}`)).json()) as { runtimeStatus: string; output: unknown };
    return s.runtimeStatus === 'Completed' ? s : undefined;
  });
  assert.deepEqual(done.output, { approved: true });
  // Azure names the history `historyEvents` (the JS client's `history` field stays empty, as with Azure).
  const withHistory = (await (await fetch(`${webhook}/instances/${id}?showHistory=true&${code}`)).json()) as {
    historyEvents: { EventType: string }[];
  };
  assert.deepEqual(
    withHistory.historyEvents.map((e) => e.EventType),
    ['ExecutionStarted', 'ExecutionSuspended', 'ExecutionResumed', 'EventRaised', 'ExecutionCompleted'],
  );
  const all = (await (await fetch(`${host.url}/api/client/all`)).json()) as string[];
  assert.ok(all.includes(id));
  assert.deepEqual(await (await fetch(`${host.url}/api/client/purge/${id}`, { method: 'POST' })).json(), { instancesDeleted: 1 });

  const other = (await (await fetch(`${host.url}/api/orchestrators/awaitDecision`, { method: 'POST' })).json()) as { id: string };
  assert.equal((await fetch(`${host.url}/api/client/terminate/${other.id}`, { method: 'POST' })).status, 202);
  const terminated = await until(async () => {
    const s = (await (await fetch(`${host.url}/api/client/status/${other.id}`)).json()) as { runtimeStatus: string; output: unknown };
    return s.runtimeStatus === 'Terminated' ? s : undefined;
  });
  assert.equal(terminated.output, 'stopped by test');
});

test('the Durable HTTP API: key required on the webhook path, 409 on a running instance id, 400/404 answers', async () => {
  assert.equal((await fetch(`${webhook}/instances/`)).status, 401);
  assert.equal((await fetch(`${webhook}/instances/?code=wrong`)).status, 401);

  const start = (body: string): Promise<Response> =>
    fetch(`${webhook}/orchestrators/awaitDecision/ticket-1?${code}`, { method: 'POST', body });
  assert.equal((await start('{"n":1}')).status, 202);
  const conflict = await start('{"n":2}');
  assert.equal(conflict.status, 409);
  assert.equal(
    ((await conflict.json()) as { Message: string }).Message,
    "An Orchestration instance with the instance ID 'ticket-1' already exists.",
  );

  const invalid = await fetch(`${webhook}/orchestrators/greeting?${code}`, { method: 'POST', body: '{not json' });
  assert.equal(invalid.status, 400);
  const invalidBody = (await invalid.json()) as { code: string; path: string };
  assert.deepEqual([invalidBody.code, invalidBody.path], ['InvalidJson', 'body']);

  const unknown = await fetch(`${webhook}/orchestrators/nope?${code}`, { method: 'POST' });
  assert.equal(unknown.status, 400);
  assert.equal((await fetch(`${webhook}/instances/missing?${code}`)).status, 404);
  assert.equal((await fetch(`${webhook}/instances/ticket-1/raiseEvent/decision?${code}`, { method: 'POST', body: '{oops' })).status, 400);
  const badStatus = await fetch(`${webhook}/instances/?runtimeStatus=Sleeping&${code}`);
  assert.equal(badStatus.status, 400);
  assert.equal(((await badStatus.json()) as { path: string }).path, 'runtimeStatus');

  // Paging with the continuation header, on the rpc base the client uses.
  const first = await fetch(`${host.url}/durabletask/instances/?top=1`);
  assert.equal(first.status, 200);
  assert.equal(((await first.json()) as unknown[]).length, 1);
  const token = first.headers.get('x-ms-continuation-token');
  assert.ok(token);
  const second = await fetch(`${host.url}/durabletask/instances/?top=1`, { headers: { 'x-ms-continuation-token': token } });
  assert.equal(((await second.json()) as unknown[]).length, 1);

  assert.equal((await fetch(`${webhook}/instances/ticket-1/terminate?reason=done&${code}`, { method: 'POST' })).status, 202);
  await until(async () => ((await fetch(`${webhook}/instances/ticket-1?${code}`)).status === 200 ? true : undefined));
  assert.equal((await fetch(`${webhook}/instances/ticket-1/raiseEvent/decision?${code}`, { method: 'POST', body: '1' })).status, 410);
  const purged = await fetch(`${webhook}/instances/ticket-1?${code}`, { method: 'DELETE' });
  assert.deepEqual([purged.status, await purged.json()], [200, { instancesDeleted: 1 }]);
  const purgedBy = await fetch(`${webhook}/instances/?createdTimeFrom=2000-01-01T00:00:00Z&runtimeStatus=Completed,Terminated&${code}`, {
    method: 'DELETE',
  });
  assert.equal(purgedBy.status, 200);
  assert.ok(((await purgedBy.json()) as { instancesDeleted: number }).instancesDeleted >= 1);
  assert.equal((await fetch(`${webhook}/instances/?runtimeStatus=Completed&${code}`).then((r) => r.json()) as unknown[]).length, 0);
  assert.equal((await fetch(`${webhook}/entities/counter/one?${code}`)).status, 501);
});

test('instance queries: input shown by default, instanceIdPrefix taken literally, runtimeStatus=Canceled is valid', async () => {
  const start = (id: string, input: unknown): Promise<Response> =>
    fetch(`${webhook}/orchestrators/awaitDecision/${encodeURIComponent(id)}?${code}`, { method: 'POST', body: JSON.stringify(input) });
  for (const [id, input] of [
    ['q%_a-1', { n: 1 }],
    ['qXa-2', { n: 2 }],
    ['Q%_a-3', { n: 3 }],
  ] as const) {
    assert.equal((await start(id, input)).status, 202);
  }
  type Listed = { instanceId: string; input: unknown }[];
  const list = async (query: string): Promise<Listed> => {
    const res = await fetch(`${webhook}/instances/?${query}&${code}`);
    assert.equal(res.status, 200);
    return (await res.json()) as Listed;
  };

  // The extension's ShowInput defaults to true; the JS client never sends showInput=false, so it gets inputs.
  const byPrefix = await list(`instanceIdPrefix=${encodeURIComponent('q%_')}`);
  assert.deepEqual(byPrefix.map((s) => [s.instanceId, s.input]), [['q%_a-1', { n: 1 }]]);
  assert.deepEqual((await list('instanceIdPrefix=q&showInput=False')).map((s) => [s.instanceId, s.input]), [
    ['q%_a-1', null],
    ['qXa-2', null],
  ]);
  const viaClient = (await (await fetch(`${host.url}/api/client/inputs`)).json()) as [string, unknown][];
  assert.deepEqual(viaClient.find(([id]) => id === 'qXa-2'), ['qXa-2', { n: 2 }]);

  assert.deepEqual(await list('runtimeStatus=Canceled'), []);
  assert.deepEqual((await list('runtimeStatus=Running,Canceled&instanceIdPrefix=Q')).map((s) => s.instanceId), ['Q%_a-3']);
  const canceled = await fetch(`${host.url}/api/client/canceled`);
  assert.deepEqual([canceled.status, await canceled.json()], [200, []]);

  for (const id of ['q%_a-1', 'qXa-2', 'Q%_a-3']) {
    assert.equal((await fetch(`${webhook}/instances/${encodeURIComponent(id)}/terminate?${code}`, { method: 'POST' })).status, 202);
  }
});

test('202 answers carry the polling headers: Location and Retry-After (10 s on start, 5 s on status)', async () => {
  const started = await fetch(`${webhook}/orchestrators/awaitDecision/poll-1?${code}`, { method: 'POST', body: '{}' });
  assert.equal(started.status, 202);
  const links = (await started.json()) as { statusQueryGetUri: string };
  assert.equal(started.headers.get('location'), links.statusQueryGetUri);
  assert.equal(started.headers.get('retry-after'), '10');

  const statusUrl = `${webhook}/instances/poll-1?showHistory=false&${code}`;
  const running = await fetch(statusUrl);
  assert.equal(running.status, 202);
  assert.equal(running.headers.get('location'), statusUrl);
  assert.equal(running.headers.get('retry-after'), '5');

  assert.equal((await fetch(`${webhook}/instances/poll-1/raiseEvent/decision?${code}`, { method: 'POST', body: '"yes"' })).status, 202);
  const done = await until(async () => {
    const res = await fetch(statusUrl);
    return res.status === 200 ? res : undefined;
  });
  assert.equal(done.headers.get('location'), null);
  assert.equal(done.headers.get('retry-after'), null);
  assert.equal(((await done.json()) as { output: unknown }).output, 'yes');
});

test('GET status of a Failed instance: 200, or 500 with returnInternalServerErrorOnFailure=true', async () => {
  assert.equal((await fetch(`${webhook}/orchestrators/explodes/fails-1?${code}`, { method: 'POST' })).status, 202);
  const failed = await until(async () => {
    const res = await fetch(`${webhook}/instances/fails-1?${code}`);
    return res.status === 200 ? ((await res.json()) as { runtimeStatus: string; output: unknown }) : undefined;
  });
  assert.equal(failed.runtimeStatus, 'Failed');
  const asError = await fetch(`${webhook}/instances/fails-1?returnInternalServerErrorOnFailure=true&${code}`);
  assert.equal(asError.status, 500);
  const body = (await asError.json()) as { runtimeStatus: string; output: unknown };
  assert.equal(body.runtimeStatus, 'Failed');
  assert.match(String(body.output), /exploded on purpose/);
  // A completed instance stays 200 with the flag.
  const other = await fetch(`${webhook}/instances/poll-1?returnInternalServerErrorOnFailure=true&${code}`);
  assert.equal(other.status, 200);
});

test('instance ids are decoded leniently, as WebUtility.UrlDecode does: a bare % stays, nothing answers 500', async () => {
  const errorsBefore = host.logger.lines.filter((l) => l.includes(' ERROR ')).length;
  // The unmodified client puts the id into the URL as it is: 'disk 100%' arrives as disk%20100%.
  const started = await fetch(`${host.url}/api/client/startWithId?instanceId=${encodeURIComponent('disk 100%')}`, { method: 'POST' });
  assert.equal(started.status, 200, await started.clone().text());
  assert.deepEqual(await started.json(), { id: 'disk 100%' });
  const status = await fetch(`${webhook}/instances/disk%20100%25?${code}`);
  assert.equal(status.status, 202);
  assert.equal(((await status.json()) as { instanceId: string }).instanceId, 'disk 100%');
  assert.equal((await fetch(`${host.url}/durabletask/instances/disk 100%`)).status, 202);

  const badEscape = await fetch(`${webhook}/instances/%zz?${code}`);
  assert.equal(badEscape.status, 404);
  assert.match(((await badEscape.json()) as { Message: string }).Message, /'%zz'/);
  assert.equal((await fetch(`${webhook}/orchestrators/awaitDecision/50%off?${code}`, { method: 'POST' })).status, 202);
  assert.equal((await fetch(`${webhook}/instances/50%off?${code}`)).status, 202);
  assert.equal(host.logger.lines.filter((l) => l.includes(' ERROR ')).length, errorsBefore);

  for (const id of ['disk%20100%25', '50%25off']) {
    assert.equal((await fetch(`${webhook}/instances/${id}/terminate?${code}`, { method: 'POST' })).status, 202);
  }
});

test('urlDecode matches WebUtility.UrlDecode', () => {
  assert.equal(urlDecode('a%20b+c'), 'a b c');
  assert.equal(urlDecode('100%'), '100%');
  assert.equal(urlDecode('%zz%4'), '%zz%4');
  assert.equal(urlDecode('%C3%A9t%C3%A9'), 'été');
  assert.equal(urlDecode('%FFx'), '\uFFFDx');
  assert.equal(urlDecode('caf\u00e9%21'), 'café!');
  assert.equal(urlDecode('a%2Fb'), 'a/b');
});

test('an orchestrator name in another case starts it, as in Azure', async () => {
  const started = await fetch(`${webhook}/orchestrators/GREETING?${code}`, { method: 'POST', body: '"Lima"' });
  assert.equal(started.status, 202, await started.clone().text());
  const { statusQueryGetUri } = (await started.json()) as { statusQueryGetUri: string };
  const done = await until(async () => {
    const res = await fetch(statusQueryGetUri);
    return res.status === 200 ? ((await res.json()) as { runtimeStatus: string; output: unknown }) : undefined;
  });
  assert.equal(done.runtimeStatus, 'Completed');
  assert.deepEqual(done.output, ['Hello Lima!', 'Hello Lima again!']);
});

test('purge: a running instance answers 412 (the client rejects it); purging by filter needs createdTimeFrom', async () => {
  assert.equal((await fetch(`${webhook}/orchestrators/awaitDecision/purge-1?${code}`, { method: 'POST', body: '{}' })).status, 202);
  const running = await fetch(`${webhook}/instances/purge-1?${code}`, { method: 'DELETE' });
  assert.equal(running.status, 412);
  assert.equal(
    ((await running.json()) as { Message: string }).Message,
    'Only orchestrations in a terminal state can be purged, but the orchestration with instance ID purge-1 has status Running',
  );
  const viaClient = await fetch(`${host.url}/api/client/purge/purge-1`, { method: 'POST' });
  assert.equal(viaClient.status, 500);
  assert.match(await viaClient.text(), /unexpected status code: 412/);
  assert.equal((await fetch(`${webhook}/instances/purge-1?${code}`)).status, 202, 'still there');

  const everything = await fetch(`${webhook}/instances/?${code}`, { method: 'DELETE' });
  assert.equal(everything.status, 400);
  assert.equal(((await everything.json()) as { Message: string }).Message, "Please provide value for 'createdTimeFrom' parameter.");
  const completed = (await (await fetch(`${webhook}/instances/?runtimeStatus=Completed&${code}`)).json()) as unknown[];
  assert.ok(completed.length > 0, 'nothing was purged');

  assert.equal((await fetch(`${webhook}/instances/purge-1/terminate?${code}`, { method: 'POST' })).status, 202);
  await until(async () => ((await fetch(`${webhook}/instances/purge-1?${code}`)).status === 200 ? true : undefined));
  const purged = await fetch(`${host.url}/api/client/purge/purge-1`, { method: 'POST' });
  assert.deepEqual([purged.status, await purged.json()], [200, { instancesDeleted: 1 }]);
});
