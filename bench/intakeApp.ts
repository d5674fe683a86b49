// The app the intake benchmark runs: the real intake with one playbook that every incident matches (a
// trivial orchestration), and a trivial HTTP function with the same auth level as the baseline.
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { registerIntake } from '../src/routing/intake.js';

df.app.orchestration('benchPlaybook', function* (context: OrchestrationContext) {
  return context.df.getInput<{ playbook: string }>().playbook;
});

registerIntake({
  catalogue: [{ name: 'bench', title: 'Benchmark playbook', version: '1.0.0', trigger: {}, orchestrationName: 'benchPlaybook' }],
});

app.http('benchPing', {
  route: 'bench/ping',
  methods: ['POST'],
  authLevel: 'function',
  handler: async (request) => ({ status: 202, jsonBody: { received: (await request.arrayBuffer()).byteLength } }),
});
