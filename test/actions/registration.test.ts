// functions/actions.ts as the host loads it: every action registered once as a durable activity, and an
// activity invoked through the programming model runs its action against the sandbox.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { allActions } from '../../src/actions/index.js';
import { loadApp } from '../../src/host/loadApp.js';
import { invokeFunction, triggerTypeOf } from '../../src/host/invoke.js';
import { startActionHarness } from './harness.js';

const h = await startActionHarness();
after(() => h.close());

const appDir = fileURLToPath(new URL('../../..', import.meta.url));
const app = await loadApp(appDir, { main: 'dist/functions/actions.js' });

test('every action is registered once as an activity', () => {
  const names = [...app.registrations.functions.keys()].sort();
  assert.deepEqual(names, allActions.map((a) => a.activityName).sort());
  for (const name of names) assert.equal(triggerTypeOf(app.registrations, name), 'activityTrigger');
});

test('an activity invocation validates, runs the action and returns its output', async () => {
  const envelope = { input: { incidentId: 'inc-secret-committed-github' }, instanceId: 'run-1', stepKey: 'get-incident', dryRun: false };
  const response = await invokeFunction(
    app.registrations,
    'sentinel-getIncident',
    { inputsByType: { activityTrigger: { json: JSON.stringify(envelope) } } },
    () => {},
  );
  const output = JSON.parse(response.returnValue?.json ?? 'null') as { name: string; status: string };
  assert.equal(output.name, 'inc-secret-committed-github');
  assert.equal(output.status, 'New');
});

test('an activity invocation with invalid input rejects with the validation error', async () => {
  const envelope = { input: { incidentId: '' }, instanceId: 'run-1', stepKey: 'bad', dryRun: false };
  await assert.rejects(
    invokeFunction(app.registrations, 'sentinel-getIncident', { inputsByType: { activityTrigger: { json: JSON.stringify(envelope) } } }, () => {}),
    /Invalid input of sentinel\.getIncident: incidentId: /,
  );
});
