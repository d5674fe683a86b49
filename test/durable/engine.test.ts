// The durable engine end to end in-process: the test app's orchestrations on a memory store and a
// VirtualClock, through the real durable-functions handler.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  EventType,
  InstanceExistsError,
  InstanceGoneError,
  InstanceNotTerminalError,
  InvalidRequestError,
  OrchestratorNotFoundError,
  type HistoryEvent,
} from '../../src/host/durable/index.js';
import { distDir, testRuntime } from './helpers.js';

const t = await testRuntime({ activityConcurrency: 3 });
const { runtime, clock } = t;
after(() => runtime.stop());

const app = (await import(pathToFileURL(path.join(distDir, 'test/apps/durable/index.js')).href)) as {
  maxConcurrentSlow(): number;
  attemptsOf(key: string): number;
};
const H = 3600_000;
const D = 24 * H;

async function history(id: string): Promise<HistoryEvent[]> {
  return (await runtime.getHistory(id)) ?? [];
}
const ofType = (events: HistoryEvent[], type: number): HistoryEvent[] => events.filter((e) => e.EventType === type);

test('a sequence of activities completes with every result, ids and inputs as the extension records them', async () => {
  const status = await t.run('sequence');
  assert.equal(status.runtimeStatus, 'Completed');
  assert.deepEqual(status.output, ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  const events = await history(status.instanceId);
  assert.deepEqual(
    ofType(events, EventType.TaskScheduled).map((e) => [e.EventId, e.Name, e.Input]),
    [
      [0, 'hello', '"Tokyo"'],
      [1, 'hello', '"Seattle"'],
      [2, 'hello', '"London"'],
    ],
  );
  assert.deepEqual(ofType(events, EventType.TaskCompleted).map((e) => e.Result), ['"Hello Tokyo!"', '"Hello Seattle!"', '"Hello London!"']);
  assert.equal(events.at(-1)?.EventType, EventType.ExecutionCompleted);
  assert.ok(t.log.lines.includes(`info Orchestration 'sequence' (${status.instanceId}) Running → Completed`));
});

test('fan-out/fan-in runs activities concurrently up to the limit and sums the results', async () => {
  assert.equal((await t.run('fanOut', 6)).output, 42);
  const status = await t.run('slowFanOut', 12);
  assert.equal(status.output, 12);
  assert.equal(app.maxConcurrentSlow(), 3);
});

test('activity inputs and outputs keep the host encodings (strings, JSON-looking strings, objects, undefined)', async () => {
  const status = await t.run('encodings');
  assert.deepEqual(status.output, { text: 'plain text', jsonLike: { a: 1 }, object: { nested: [1, 'two'] }, nothing: 'null' });
});

test('retry that succeeds: a retry timer after each failure, with exponential delay', async () => {
  const id = await runtime.startNew('retrying', { input: { key: 'retry-ok', failures: 2, attempts: 3 } });
  await runtime.waitForIdle();
  assert.equal((await t.status(id)).runtimeStatus, 'Running');
  clock.advance(1000);
  await runtime.waitForIdle();
  clock.advance(2000);
  await runtime.waitForIdle();
  const status = await t.status(id);
  assert.equal(status.output, 'succeeded on attempt 3');
  const events = await history(id);
  assert.deepEqual(ofType(events, EventType.TaskScheduled).map((e) => e.EventId), [0, 2, 4]);
  const start = Date.UTC(2026, 0, 1);
  assert.deepEqual(
    ofType(events, EventType.TimerCreated).map((e) => [e.EventId, Date.parse(e.FireAt!) - start]),
    [
      [1, 1000],
      [3, 1000 + 2000],
    ],
  );
  assert.equal(app.attemptsOf('retry-ok'), 3);
});

test('retry that fails: the last failure reaches the code only after the final retry timer fires', async () => {
  const id = await runtime.startNew('retrying', { input: { key: 'retry-fail', failures: 9, attempts: 2 } });
  await runtime.waitForIdle();
  clock.advance(1000);
  await runtime.waitForIdle();
  // Attempt 2 has failed; the failure waits for the retry timer (2000 ms) before reaching user code.
  assert.equal((await t.status(id)).runtimeStatus, 'Running');
  assert.deepEqual(ofType(await history(id), EventType.TimerCreated).map((e) => e.EventId), [1, 3]);
  clock.advance(2000);
  await runtime.waitForIdle();
  const status = await t.status(id);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.equal(status.output, "gave up: Activity function 'flaky' failed: flaky failure 2 ");
  assert.equal(app.attemptsOf('retry-fail'), 2);
});

test('a failed activity is recorded with Reason and Details; unhandled it fails the orchestration', async () => {
  const id = await runtime.startNew('activityFails');
  await runtime.waitForIdle();
  clock.advance(1000);
  await runtime.waitForIdle();
  const status = await t.status(id);
  assert.equal(status.runtimeStatus, 'Failed');
  assert.match(String(status.output), /^Orchestrator function 'activityFails' failed: Activity function 'flaky' failed: flaky failure 1 /);
  const failed = ofType(await history(id), EventType.TaskFailed)[0]!;
  assert.equal(failed.Reason, "Activity function 'flaky' failed: flaky failure 1");
  assert.match(failed.Details!, /^Error: flaky failure 1\n\s+at /);
});

test('orchestrator code that throws fails the instance with its message', async () => {
  const status = await t.run('throws');
  assert.equal(status.runtimeStatus, 'Failed');
  assert.equal(status.output, "Orchestrator function 'throws' failed: orchestrator code exploded");
});

test('a timer fires when the virtual clock reaches it', async () => {
  const id = await runtime.startNew('timer', { input: 2 });
  await runtime.waitForIdle();
  clock.advance(H);
  await runtime.waitForIdle();
  assert.equal((await t.status(id)).runtimeStatus, 'Running');
  clock.advance(H);
  await runtime.waitForIdle();
  const status = await t.status(id);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.equal(status.output, new Date(clock.now()).toISOString());
});

test('a 10-day timer becomes sub-timers at days 3, 6, 9 and 10, as the extension\'s CreateTimer loop makes them', async () => {
  const started = clock.now();
  const id = await runtime.startNew('longTimer', { input: 10 });
  for (const days of [0, 3, 3, 3]) {
    clock.advance(days * D);
    await runtime.waitForIdle();
  }
  assert.equal((await t.status(id)).runtimeStatus, 'Running', 'one day is left after day 9');
  clock.advance(D);
  await runtime.waitForIdle();
  const status = await t.status(id);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.equal(status.output, new Date(started + 10 * D).toISOString());
  const subTimers = ofType(await history(id), EventType.TimerCreated).map((e) => [e.EventId, (Date.parse(e.FireAt!) - started) / D]);
  assert.deepEqual(subTimers, [
    [0, 3],
    [1, 6],
    [2, 9],
    [3, 10],
  ]);
});

test('an approval raced against a 7-day timer: event first, then timer first, in well under a second', async () => {
  const wallStart = performance.now();
  const eventFirst = await runtime.startNew('approval');
  await runtime.waitForIdle();
  assert.equal((await t.status(eventFirst)).customStatus, 'waiting for approval');
  clock.advance(2 * D);
  await runtime.raiseEvent(eventFirst, 'approval', { approved: true });
  await runtime.waitForIdle();
  assert.equal((await t.status(eventFirst)).output, 'approved');

  const timerFirst = await runtime.startNew('approval');
  await runtime.waitForIdle();
  clock.advance(7 * D);
  await runtime.waitForIdle();
  const timedOut = await t.status(timerFirst);
  assert.equal(timedOut.runtimeStatus, 'Completed');
  assert.equal(timedOut.output, 'timedOut');
  // 14 virtual days passed; the wall clock barely moved.
  assert.ok(performance.now() - wallStart < 1000, `took ${performance.now() - wallStart} ms`);
});

test('external events are buffered until the orchestrator waits for them, and custom status is reported', async () => {
  const id = await runtime.startNew('waitForEvent');
  await runtime.raiseEvent(id, 'go', 'first');
  await runtime.raiseEvent(id, 'go', { second: true });
  await runtime.waitForIdle();
  const status = await t.status(id);
  assert.deepEqual(status.output, ['first', { second: true }]);
  assert.deepEqual(status.customStatus, { stage: 'done' });
});

test('sub-orchestrations, named and with retry; a failing child fails the parent task', async () => {
  const parentId = await runtime.startNew('parent');
  await runtime.waitForIdle();
  clock.advance(1000); // the retrying child's final retry timer
  await runtime.waitForIdle();
  const parent = await t.status(parentId);
  assert.equal(parent.runtimeStatus, 'Completed');
  assert.deepEqual(parent.output, {
    child: ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'],
    named: 12,
    retried: "gave up: Activity function 'flaky' failed: flaky failure 1 ",
  });
  // A child without an explicit id is named as DTFx names it: `<parent ExecutionId>:<taskId>`.
  const created = ofType(await history(parent.instanceId), EventType.SubOrchestrationInstanceCreated);
  const executionId = /^([0-9a-f-]{36}):0$/.exec(created[0]?.InstanceId ?? '')?.[1];
  assert.ok(executionId, `unexpected child id ${created[0]?.InstanceId}`);
  assert.deepEqual(
    created.map((e) => [e.EventId, e.InstanceId]),
    [
      [0, `${executionId}:0`],
      [1, `${parent.instanceId}-named`],
      [2, `${executionId}:2`],
    ],
  );
  assert.equal((await t.status(`${executionId}:0`)).runtimeStatus, 'Completed');
  assert.equal(await runtime.getStatus(`${parent.instanceId}:0`), undefined);

  const caught = await t.run('parentOfFailing');
  assert.equal(caught.output, "caught: Orchestrator function 'failingChild' failed: child exploded ");
});

test('a custom status over 16 KB (UTF-16) fails the orchestration as the extension does; 16.99 KB passes', async () => {
  // 8703 characters of JSON are 17406 bytes of UTF-16: 16 KB once rounded down, which the extension accepts.
  const largest = await t.run('sizedStatus', 8703);
  assert.equal(largest.runtimeStatus, 'Completed', JSON.stringify(largest.output));
  assert.equal(JSON.stringify(largest.customStatus).length, 8703);

  const tooLarge = await t.run('sizedStatus', 8704);
  assert.equal(tooLarge.runtimeStatus, 'Failed');
  assert.equal(
    tooLarge.output,
    "Orchestrator function 'sizedStatus' failed: The UTF-16 size of the JSON-serialized payload must not exceed 16 KB. " +
      'The current payload size is 17 KB.',
  );
  // The status is set before the actions are carried out: the previous status stays, nothing more is scheduled.
  assert.equal(tooLarge.customStatus, 'small');
  assert.deepEqual(ofType(await history(tooLarge.instanceId), EventType.TaskScheduled).map((e) => e.Input), ['"first"']);

  const huge = await t.run('sizedStatus', 40_000);
  assert.match(String(huge.output), /The current payload size is 78 KB\.$/);
});

test('continue-as-new starts a fresh history with the new input and drops unprocessed events', async () => {
  const id = await runtime.startNew('counter', { input: 0 });
  await runtime.raiseEvent(id, 'stray', 1);
  await runtime.waitForIdle();
  const status = await t.status(id);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.deepEqual(status.output, { n: 3, doubled: 6 });
  assert.equal(status.input, 3);
  const events = await history(id);
  assert.equal(ofType(events, EventType.ExecutionStarted)[0]?.Input, '3');
  assert.equal(ofType(events, EventType.EventRaised).length, 0);
  assert.equal(ofType(events, EventType.TaskScheduled).length, 1);
});

test('continue-as-new: each execution names its unnamed sub-orchestrations anew (no reuse, no replaced child)', async () => {
  const done = await t.run('subPerExecution', { n: 0, seen: [] });
  assert.equal(done.runtimeStatus, 'Completed');
  assert.deepEqual(done.output, ['execution 0', 'execution 1', 'execution 2']);
  // Three executions, three distinct children, each still holding its own input and output.
  const children = (await runtime.query({ top: 1000, showInput: true })).instances.filter(
    (s) => s.name === 'childEcho' && s.input !== null && String(s.input).startsWith('execution '),
  );
  assert.equal(children.length, 3);
  assert.equal(new Set(children.map((c) => c.instanceId)).size, 3);
  for (const child of children) {
    assert.match(child.instanceId, /^[0-9a-f-]{36}:0$/);
    assert.equal(child.runtimeStatus, 'Completed');
    assert.equal(child.output, child.input);
  }

  // The first execution's child is still running when the second execution starts its own unnamed child.
  const id = await runtime.startNew('subLeftRunning', { input: 'first' });
  await runtime.waitForIdle();
  clock.advance(60_000);
  await runtime.waitForIdle();
  const status = await t.status(id);
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.equal(status.output, 'second execution child');
  const waiting = (await runtime.query({ top: 1000 })).instances.filter((s) => s.name === 'waitForEvent' && s.runtimeStatus === 'Running');
  assert.ok(waiting.some((s) => /^[0-9a-f-]{36}:0$/.test(s.instanceId)));
});

test('terminate ends a running instance with the reason; later operations answer Gone', async () => {
  const id = await runtime.startNew('waitForEvent');
  await runtime.waitForIdle();
  await runtime.terminate(id, 'no longer needed');
  await runtime.waitForIdle();
  const status = await t.status(id);
  assert.equal(status.runtimeStatus, 'Terminated');
  assert.equal(status.output, 'no longer needed');
  await assert.rejects(runtime.raiseEvent(id, 'go', 1), InstanceGoneError);
});

test('suspend keeps events queued; resume processes them', async () => {
  const id = await runtime.startNew('waitForEvent');
  await runtime.waitForIdle();
  await runtime.suspend(id, 'checking');
  await runtime.waitForIdle();
  await runtime.raiseEvent(id, 'go', 1);
  await runtime.raiseEvent(id, 'go', 2);
  await runtime.waitForIdle();
  const suspended = await t.status(id);
  assert.equal(suspended.runtimeStatus, 'Suspended');
  assert.deepEqual(suspended.customStatus, { stage: 'waiting' });
  await runtime.resume(id, 'checked');
  await runtime.waitForIdle();
  const status = await t.status(id);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.deepEqual(status.output, [1, 2]);
  const types = (await history(id)).map((e) => e.EventType);
  assert.ok(types.indexOf(EventType.ExecutionSuspended) < types.indexOf(EventType.ExecutionResumed));
});

test('purge deletes a finished instance and refuses a running one', async () => {
  const done = await t.run('sequence');
  const running = await runtime.startNew('waitForEvent');
  await runtime.waitForIdle();
  await assert.rejects(runtime.purge(running), InstanceNotTerminalError);
  assert.equal(await runtime.purge(done.instanceId), 1);
  assert.equal(await runtime.getStatus(done.instanceId), undefined);
  assert.equal(await runtime.purge(done.instanceId), 0);
  await runtime.terminate(running, 'cleanup');
  await runtime.waitForIdle();
  assert.ok((await runtime.purgeBy({ runtimeStatus: ['Terminated'] })) >= 1);
  assert.equal(await runtime.getStatus(running), undefined);
});

test('an instance id that is still running cannot be reused; a finished one is replaced; concurrent starts: one wins', async () => {
  await runtime.startNew('waitForEvent', { instanceId: 'incident-42' });
  await assert.rejects(runtime.startNew('sequence', { instanceId: 'incident-42' }), (err: unknown) => {
    assert.ok(err instanceof InstanceExistsError);
    assert.equal(err.message, "An Orchestration instance with the instance ID 'incident-42' already exists.");
    return true;
  });
  await runtime.terminate('incident-42', 'replace me');
  await runtime.waitForIdle();
  await runtime.startNew('sequence', { instanceId: 'incident-42' });
  await runtime.waitForIdle();
  const replaced = await t.status('incident-42');
  assert.equal(replaced.name, 'sequence');
  assert.equal(replaced.runtimeStatus, 'Completed');
  assert.equal(ofType(await history('incident-42'), EventType.ExecutionTerminated).length, 0);

  const results = await Promise.allSettled([
    runtime.startNew('waitForEvent', { instanceId: 'race-1' }),
    runtime.startNew('waitForEvent', { instanceId: 'race-1' }),
  ]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  assert.ok(results.some((r) => r.status === 'rejected' && r.reason instanceof InstanceExistsError));
});

test('function names match in any case, as in Azure; history keeps the caller\'s spelling, logs the registered one', async () => {
  const status = await t.run('OTHERCASE');
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.deepEqual(status.output, ['Hello Oslo!', 3]);
  assert.equal(status.name, 'OTHERCASE');
  const events = await history(status.instanceId);
  assert.deepEqual(ofType(events, EventType.TaskScheduled).map((e) => e.Name), ['HELLO']);
  assert.deepEqual(ofType(events, EventType.SubOrchestrationInstanceCreated).map((e) => e.Name), ['Sequence']);
  assert.ok(t.log.lines.includes(`info Orchestration 'otherCase' (${status.instanceId}) Running → Completed`));
  assert.ok(t.log.lines.some((l) => l.startsWith(`info Executed 'hello' (Succeeded, Id=${status.instanceId}:0,`)));
  assert.ok(t.log.lines.every((l) => !l.includes("'HELLO'") && !l.includes("'OTHERCASE'")));
});

test('bad requests get typed errors naming the field and change nothing', async () => {
  await assert.rejects(runtime.startNew('noSuchOrchestrator'), OrchestratorNotFoundError);
  await assert.rejects(runtime.startNew('hello'), OrchestratorNotFoundError);
  await assert.rejects(runtime.startNew('sequence', { instanceId: 'a/b' }), (err: unknown) => {
    assert.ok(err instanceof InvalidRequestError);
    assert.equal(err.path, 'instanceId');
    return true;
  });
  assert.equal(await runtime.getStatus('a/b'), undefined);
});

test('instance ids may be up to 256 characters long, as the extension allows (MaxInstanceIdLength)', async () => {
  const longest = `incident-${'9'.repeat(247)}`;
  assert.equal(longest.length, 256);
  const status = await t.run('sequence', undefined, longest);
  assert.equal(status.instanceId, longest);
  assert.equal(status.runtimeStatus, 'Completed');
  await assert.rejects(runtime.startNew('sequence', { instanceId: `${longest}9` }), (err: unknown) => {
    assert.ok(err instanceof InvalidRequestError);
    assert.equal(err.message, 'instanceId: must be 1 to 256 characters and contain no /, \\, #, ? or control characters.');
    return true;
  });
  await assert.rejects(runtime.startNew('sequence', { instanceId: `${'x'.repeat(150)}#` }), InvalidRequestError);
});

test('status queries page with a continuation token and filter by status and creation time', async () => {
  clock.advance(D);
  const from = new Date(clock.now());
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push(await t.run('sequence', undefined, `query-${i}`));
  const seen: string[] = [];
  let token: string | undefined;
  do {
    const page = await runtime.query({ createdTimeFrom: from, runtimeStatus: ['Completed'], top: 2, ...(token ? { continuationToken: token } : {}) });
    assert.ok(page.instances.length <= 2);
    seen.push(...page.instances.map((s) => s.instanceId));
    token = page.continuationToken;
  } while (token);
  assert.deepEqual(seen.sort(), ids.map((s) => s.instanceId).sort());
  const none = await runtime.query({ createdTimeFrom: from, runtimeStatus: ['Failed'] });
  assert.deepEqual(none.instances, []);
});

test('log lines name state changes but never inputs or outputs', async () => {
  const secret = 'ghp_notARealTokenButSecretLooking123';
  await t.run('encodings', secret);
  await t.run('fanOut', 2);
  assert.ok(t.log.lines.some((l) => l.includes("Orchestration 'encodings'") && l.includes('Running → Completed')));
  assert.ok(t.log.lines.every((l) => !l.includes(secret) && !l.includes('Hello Tokyo')));
});

test('the durableClient binding data names every management URL with the key, and the rpc base', () => {
  const data = JSON.parse(runtime.clientBindingData().json!) as {
    taskHubName: string;
    rpcBaseUrl: string;
    creationUrls: Record<string, string>;
    managementUrls: Record<string, string>;
  };
  assert.equal(data.taskHubName, 'TestHub');
  assert.equal(data.rpcBaseUrl, 'http://localhost:7071/durabletask/');
  assert.equal(
    data.managementUrls.statusQueryGetUri,
    'http://localhost:7071/runtime/webhooks/durabletask/instances/INSTANCEID?taskHub=TestHub&connection=Storage&code=test-function-key',
  );
  for (const url of [...Object.values(data.creationUrls), ...Object.values(data.managementUrls).slice(1)]) {
    assert.match(url, /code=test-function-key/);
  }
  assert.equal(runtime.managementPayload('a b').statusQueryGetUri.split('?')[0], 'http://localhost:7071/runtime/webhooks/durabletask/instances/a%20b');
});
