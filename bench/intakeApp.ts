// The app the intake benchmark runs: the real intake with one playbook that every incident matches (a
// trivial orchestration), a trivial HTTP function with the same auth level as the baseline, and the floor
// of durable scheduling: an HTTP function that only makes the two durable-client calls a delivery needs
// (the duplicate check and the start), through the same cached client as the intake.
import { createHash } from 'node:crypto';
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { durableClient } from '../src/routing/client.js';
import { registerIntake } from '../src/routing/intake.js';
import { instanceExists } from '../src/routing/runs.js';

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

app.http('benchSchedule', {
  route: 'bench/schedule',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [df.input.durableClient()],
  handler: async (request, context) => {
    const instanceId = `floor-${createHash('sha1').update(new Uint8Array(await request.arrayBuffer())).digest('hex')}`;
    const client = durableClient(context);
    if (await instanceExists(client, instanceId)) return { status: 200 };
    await client.startNew('benchPlaybook', { instanceId, input: { playbook: 'floor' } });
    return { status: 202 };
  },
});
