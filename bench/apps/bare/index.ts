// The benchmarks' bare app: only @azure/functions + durable-functions, one orchestration, one activity.
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';

df.app.activity('step', { handler: (n: number) => n + 1 });

/** `input` sequential calls of the trivial activity (5 when no input). */
df.app.orchestration('chain', function* (context: OrchestrationContext) {
  const steps = (context.df.getInput() as number | null) ?? 5;
  let value = 0;
  for (let i = 0; i < steps; i++) value = yield context.df.callActivity('step', value);
  return value;
});
