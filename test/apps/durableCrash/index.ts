// The app of the crash test: each activity appends its key to a side-effect file before returning it, so the
// test can count how many times every activity ran.
import { appendFileSync } from 'node:fs';
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';

df.app.activity('sideEffect', {
  handler: async (input: { key: string; file: string }) => {
    appendFileSync(input.file, `${input.key}\n`);
    await new Promise((resolve) => setTimeout(resolve, 2));
    return input.key;
  },
});

df.app.orchestration('crashChain', function* (context: OrchestrationContext) {
  const input = context.df.getInput() as { file: string; steps: number };
  const keys: string[] = [];
  for (let step = 0; step < input.steps; step++) {
    keys.push(yield context.df.callActivity('sideEffect', { key: `${context.df.instanceId}:${step}`, file: input.file }));
  }
  return keys;
});
