// Start-and-wait over the Durable HTTP API (the binding's createAndWaitOnNewInstancePostUri:
// POST .../orchestrators/{name}?timeout=&pollingInterval=) on a host whose durable time is a VirtualClock.
// The HTTP wait is wall-clock time, as the extension's is; it neither blocks the host nor needs the clock.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startHost, VirtualClock } from '../../src/host/index.js';
import { HostLogger } from '../../src/host/log.js';
import { distDir, until } from './helpers.js';

const clock = new VirtualClock(Date.UTC(2026, 0, 1));
const host = await startHost({
  appDir: path.join(distDir, 'test/apps/durableHttp'),
  main: 'index.js',
  port: 0,
  clock,
  logger: new HostLogger({ mode: 'silent' }),
});
after(() => host.close());
const webhook = `${host.url}/runtime/webhooks/durabletask`;
const code = `code=${encodeURIComponent(host.functionKey)}`;

const startAndWait = (name: string, id: string, query: string, body?: string): Promise<Response> =>
  fetch(`${webhook}/orchestrators/${name}/${id}?${query}&${code}`, { method: 'POST', ...(body === undefined ? {} : { body }) });

test('an instance that completes within the timeout: 200 with its output, at once', async () => {
  const started = performance.now();
  const res = await startAndWait('greeting', 'wait-1', 'timeout=30&pollingInterval=5', '"Rome"');
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), ['Hello Rome!', 'Hello Rome again!']);
  assert.ok(performance.now() - started < 3000, 'answered when the instance completed, not after a polling interval');
});

test('the wait does not block the host: other requests are served, and the instance completing ends it', async () => {
  const waiting = startAndWait('awaitDecision', 'wait-2', 'timeout=30&pollingInterval=1', '{}');
  await until(async () => ((await host.durable.getStatus('wait-2'))?.customStatus === 'waiting' ? true : undefined));
  // Served while the start request is still waiting.
  assert.equal((await fetch(`${webhook}/instances/wait-2?${code}`)).status, 202);
  assert.equal((await fetch(`${webhook}/instances/wait-2/raiseEvent/decision?${code}`, { method: 'POST', body: '{"approved":true}' })).status, 202);
  const res = await waiting;
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { approved: true });
});

test('a durable timer on the virtual clock: advancing the clock completes the instance while the request waits', async () => {
  const waiting = startAndWait('napper', 'wait-3', 'timeout=30&pollingInterval=1');
  await until(async () => ((await host.durable.getHistory('wait-3'))?.some((e) => e.EventType === 10) ? true : undefined));
  clock.advance(3600_000);
  const res = await waiting;
  assert.equal(res.status, 200);
  assert.equal(await res.json(), 'rested');
});

test('not done within the timeout: the check-status answer (202, Location, Retry-After: 10) after the timeout', async () => {
  const started = performance.now();
  const res = await startAndWait('awaitDecision', 'wait-4', 'timeout=1&pollingInterval=1', '{}');
  const elapsed = performance.now() - started;
  assert.equal(res.status, 202);
  const links = (await res.json()) as { id: string; statusQueryGetUri: string };
  assert.equal(links.id, 'wait-4');
  assert.equal(res.headers.get('location'), links.statusQueryGetUri);
  assert.equal(res.headers.get('retry-after'), '10');
  assert.ok(elapsed >= 900 && elapsed < 5000, `${elapsed} ms`);
  // Without both parameters there is no wait at all.
  const noWait = await startAndWait('awaitDecision', 'wait-5', 'timeout=30', '{}');
  assert.equal(noWait.status, 202);
});

test('a Failed instance: the status answer with 200 (the extension passes returnInternalServerErrorOnFailure=false here)', async () => {
  const res = await startAndWait('explodes', 'wait-6', 'timeout=30&pollingInterval=1&returnInternalServerErrorOnFailure=true');
  assert.equal(res.status, 200);
  const status = (await res.json()) as { instanceId: string; runtimeStatus: string; output: unknown };
  assert.equal(status.instanceId, 'wait-6');
  assert.equal(status.runtimeStatus, 'Failed');
  assert.match(String(status.output), /exploded on purpose/);
  // The status route honours the flag.
  assert.equal((await fetch(`${webhook}/instances/wait-6?returnInternalServerErrorOnFailure=true&${code}`)).status, 500);
});

test('a polling interval longer than the timeout: 400, and no instance is started (the extension starts it first)', async () => {
  const res = await startAndWait('awaitDecision', 'wait-7', 'timeout=1&pollingInterval=2', '{}');
  assert.equal(res.status, 400);
  assert.equal(((await res.json()) as { Message: string }).Message, 'Total timeout 1 should be bigger than retry timeout 2');
  assert.equal(await host.durable.getStatus('wait-7'), undefined);
  assert.equal((await fetch(`${webhook}/instances/wait-7?${code}`)).status, 404);
  // Without an instance id, nothing was started under a generated one either.
  const before = (await host.durable.query({})).instances.length;
  assert.equal((await fetch(`${webhook}/orchestrators/awaitDecision?timeout=1&pollingInterval=2&${code}`, { method: 'POST', body: '{}' })).status, 400);
  assert.equal((await host.durable.query({})).instances.length, before);
});

test('closing the host ends a pending wait', async () => {
  const waiting = startAndWait('awaitDecision', 'wait-8', 'timeout=600&pollingInterval=1', '{}').catch((err: unknown) => err);
  await until(async () => ((await host.durable.getStatus('wait-8'))?.customStatus === 'waiting' ? true : undefined));
  const started = performance.now();
  await host.close();
  await waiting;
  assert.ok(performance.now() - started < 5000);
});
