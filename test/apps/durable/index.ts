// Test app for the durable engine: one orchestration per feature, written as any app author would.
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';

const attempts = new Map<string, number>();

/** How many times each activity input has been executed (read by tests). */
export function attemptsOf(key: string): number {
  return attempts.get(key) ?? 0;
}

df.app.activity('hello', { handler: (name: string) => `Hello ${name}!` });
df.app.activity('double', { handler: (n: number) => n * 2 });
df.app.activity('nothing', { handler: () => undefined });
df.app.activity('echo', { handler: (input: unknown) => input });
df.app.activity('flaky', {
  // Fails until it has been called `failures + 1` times for this key.
  handler: (input: { key: string; failures: number }) => {
    const n = (attempts.get(input.key) ?? 0) + 1;
    attempts.set(input.key, n);
    if (n <= input.failures) throw new Error(`flaky failure ${n}`);
    return `succeeded on attempt ${n}`;
  },
});

let running = 0;
let maxRunning = 0;
/** The most activities of 'slow' that ran at the same time (read by tests). */
export function maxConcurrentSlow(): number {
  return maxRunning;
}
df.app.activity('slow', {
  handler: async (n: number) => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((resolve) => setTimeout(resolve, 5));
    running--;
    return n;
  },
});

df.app.orchestration('slowFanOut', function* (context: OrchestrationContext) {
  const count = context.df.getInput() as number;
  const results: number[] = yield context.df.Task.all(
    Array.from({ length: count }, (_, i) => context.df.callActivity('slow', i)),
  );
  return results.length;
});

df.app.orchestration('sequence', function* (context: OrchestrationContext) {
  const out: string[] = [];
  out.push(yield context.df.callActivity('hello', 'Tokyo'));
  out.push(yield context.df.callActivity('hello', 'Seattle'));
  out.push(yield context.df.callActivity('hello', 'London'));
  return out;
});

df.app.orchestration('fanOut', function* (context: OrchestrationContext) {
  const count = (context.df.getInput() as number | null) ?? 5;
  const tasks = [];
  for (let i = 1; i <= count; i++) tasks.push(context.df.callActivity('double', i));
  const results: number[] = yield context.df.Task.all(tasks);
  return results.reduce((a, b) => a + b, 0);
});

df.app.orchestration('retrying', function* (context: OrchestrationContext) {
  const input = context.df.getInput() as { key: string; failures: number; attempts: number };
  const options = new df.RetryOptions(1000, input.attempts);
  options.backoffCoefficient = 2;
  try {
    return yield context.df.callActivityWithRetry('flaky', options, { key: input.key, failures: input.failures });
  } catch (err) {
    return `gave up: ${(err as Error).message.split('\n')[0]}`;
  }
});

df.app.orchestration('timer', function* (context: OrchestrationContext) {
  const hours = context.df.getInput() as number;
  const fireAt = new Date(context.df.currentUtcDateTime.getTime() + hours * 3600_000);
  yield context.df.createTimer(fireAt);
  return context.df.currentUtcDateTime.toISOString();
});

df.app.orchestration('approval', function* (context: OrchestrationContext) {
  const deadline = new Date(context.df.currentUtcDateTime.getTime() + 7 * 24 * 3600_000);
  const timeout = context.df.createTimer(deadline);
  const decision = context.df.waitForExternalEvent('approval');
  context.df.setCustomStatus('waiting for approval');
  const winner = yield context.df.Task.any([decision, timeout]);
  if (winner === decision) {
    timeout.cancel();
    const approved = (decision.result as { approved: boolean }).approved;
    return approved ? 'approved' : 'rejected';
  }
  return 'timedOut';
});

df.app.orchestration('waitForEvent', function* (context: OrchestrationContext) {
  context.df.setCustomStatus({ stage: 'waiting' });
  const first: unknown = yield context.df.waitForExternalEvent('go');
  const second: unknown = yield context.df.waitForExternalEvent('go');
  context.df.setCustomStatus({ stage: 'done' });
  return [first, second];
});

df.app.orchestration('parent', function* (context: OrchestrationContext) {
  const child: string[] = yield context.df.callSubOrchestrator('sequence');
  const named: number = yield context.df.callSubOrchestrator('fanOut', 3, `${context.df.instanceId}-named`);
  const retried: string = yield context.df.callSubOrchestratorWithRetry(
    'retrying',
    new df.RetryOptions(1000, 2),
    { key: `${context.df.instanceId}-sub`, failures: 1, attempts: 1 },
  );
  return { child, named, retried };
});

df.app.orchestration('failingChild', function* () {
  yield* [];
  throw new Error('child exploded');
});

df.app.orchestration('parentOfFailing', function* (context: OrchestrationContext) {
  try {
    yield context.df.callSubOrchestrator('failingChild');
    return 'no error';
  } catch (err) {
    return `caught: ${(err as Error).message.split('\n')[0]}`;
  }
});

df.app.orchestration('counter', function* (context: OrchestrationContext) {
  const n = context.df.getInput() as number;
  const doubled: number = yield context.df.callActivity('double', n);
  if (n < 3) {
    context.df.continueAsNew(n + 1);
    return undefined;
  }
  return { n, doubled };
});

df.app.orchestration('throws', function* (context: OrchestrationContext) {
  yield context.df.callActivity('hello', 'before');
  throw new Error('orchestrator code exploded');
});

df.app.orchestration('activityFails', function* (context: OrchestrationContext) {
  yield context.df.callActivityWithRetry('flaky', new df.RetryOptions(1000, 1), { key: context.df.instanceId, failures: 5 });
  return 'unreachable';
});

df.app.orchestration('longTimer', function* (context: OrchestrationContext) {
  const days = context.df.getInput() as number;
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + days * 24 * 3600_000));
  return context.df.currentUtcDateTime.toISOString();
});

df.app.orchestration('encodings', function* (context: OrchestrationContext) {
  const text: unknown = yield context.df.callActivity('echo', 'plain text');
  const jsonLike: unknown = yield context.df.callActivity('echo', '{"a":1}');
  const object: unknown = yield context.df.callActivity('echo', { nested: [1, 'two'] });
  const nothing: unknown = yield context.df.callActivity('nothing');
  return { text, jsonLike, object, nothing: nothing ?? 'null' };
});

df.app.orchestration('childEcho', function* (context: OrchestrationContext) {
  yield* [];
  return context.df.getInput() as unknown;
});

// Each execution calls an unnamed sub-orchestration, then continues as new until n reaches 2.
df.app.orchestration('subPerExecution', function* (context: OrchestrationContext) {
  const { n, seen } = context.df.getInput() as { n: number; seen: unknown[] };
  const child: unknown = yield context.df.callSubOrchestrator('childEcho', `execution ${n}`);
  if (n < 2) {
    context.df.continueAsNew({ n: n + 1, seen: [...seen, child] });
    return undefined;
  }
  return [...seen, child];
});

// The first execution leaves its unnamed child waiting and continues as new; the second calls another unnamed one.
df.app.orchestration('subLeftRunning', function* (context: OrchestrationContext) {
  if (context.df.getInput() === 'first') {
    const waiting = context.df.callSubOrchestrator('waitForEvent');
    const timeout = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
    yield context.df.Task.any([waiting, timeout]);
    context.df.continueAsNew('second');
    return undefined;
  }
  try {
    return yield context.df.callSubOrchestrator('childEcho', 'second execution child');
  } catch (err) {
    return `child failed: ${(err as Error).message.split('\n')[0]}`;
  }
});

// A small custom status, one activity, then a custom status whose JSON is `length` characters long.
df.app.orchestration('sizedStatus', function* (context: OrchestrationContext) {
  const length = context.df.getInput() as number;
  context.df.setCustomStatus('small');
  yield context.df.callActivity('hello', 'first');
  context.df.setCustomStatus('x'.repeat(length - 2)); // a JSON string: two quotes around the text
  yield context.df.callActivity('hello', 'second');
  return 'done';
});

// Function names in another case than registered: the extension matches them ignoring case.
df.app.orchestration('otherCase', function* (context: OrchestrationContext) {
  const greeting: string = yield context.df.callActivity('HELLO', 'Oslo');
  const child: string[] = yield context.df.callSubOrchestrator('Sequence');
  return [greeting, child.length];
});
