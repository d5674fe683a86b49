// Orchestrations whose replay the golden histories in test/durable/golden/ pin. Change them only together
// with the goldens.
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';

df.app.activity('hello', { handler: (name: string) => `Hello ${name}!` });
df.app.activity('double', { handler: (n: number) => n * 2 });
df.app.activity('flaky', {
  handler: () => {
    throw new Error('always fails');
  },
});

df.app.orchestration('contractSequence', function* (context: OrchestrationContext) {
  const out: string[] = [];
  out.push(yield context.df.callActivity('hello', 'Tokyo'));
  out.push(yield context.df.callActivity('hello', 'Seattle'));
  out.push(yield context.df.callActivity('hello', 'London'));
  return out;
});

df.app.orchestration('contractFanOut', function* (context: OrchestrationContext) {
  const results: number[] = yield context.df.Task.all([1, 2, 3].map((n) => context.df.callActivity('double', n)));
  return results.reduce((a, b) => a + b, 0);
});

df.app.orchestration('contractRetry', function* (context: OrchestrationContext) {
  const options = new df.RetryOptions(1000, 2);
  options.backoffCoefficient = 2;
  try {
    return yield context.df.callActivityWithRetry('flaky', options, 'R');
  } catch (err) {
    return `gave up: ${(err as Error).message.split('\n')[0]}`;
  }
});

df.app.orchestration('contractTimer', function* (context: OrchestrationContext) {
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 3600_000));
  return 'fired';
});

df.app.orchestration('contractLongTimer', function* (context: OrchestrationContext) {
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 10 * 24 * 3600_000));
  return 'fired';
});

df.app.orchestration('contractEvent', function* (context: OrchestrationContext) {
  context.df.setCustomStatus('waiting');
  const payload: unknown = yield context.df.waitForExternalEvent('approval');
  return payload;
});

df.app.orchestration('contractSubOrchestration', function* (context: OrchestrationContext) {
  const child: string[] = yield context.df.callSubOrchestrator('contractSequence', 'ignored');
  return child.length;
});

df.app.orchestration('contractContinueAsNew', function* (context: OrchestrationContext) {
  const n = context.df.getInput() as number;
  yield context.df.callActivity('hello', `round ${n}`);
  if (n < 2) {
    context.df.continueAsNew(n + 1);
    return undefined;
  }
  return n;
});
