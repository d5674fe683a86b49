// The app registers its functions from names alone (functions/*.ts: action names from src/actions/names.ts,
// the SDK's from sdkActionNames, playbooks from their file names), so that start-up loads no playbook or
// action. Those names must be exactly the real catalogue's and the real action list's: a missing one is a
// run that finds no function, an extra one a function that finds no playbook or action.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { catalogue } from '../../playbooks/catalogue.js';
import * as actions from '../../src/actions/index.js';
import { actionNames, activityNameOf, allActionNames } from '../../src/actions/names.js';
import { triggerTypeOf } from '../../src/host/invoke.js';
import { loadApp } from '../../src/host/loadApp.js';
import { orchestrationNameOf } from '../../src/sdk/playbook.js';
import { sdkActionNames } from '../../src/sdk/register.js';
import { sdkActions } from '../../src/sdk/sdkActions.js';

const appDir = fileURLToPath(new URL('../../..', import.meta.url));
const app = await loadApp(appDir);

function registered(triggerType: string): string[] {
  return [...app.registrations.functions.keys()].filter((name) => triggerTypeOf(app.registrations, name) === triggerType).sort();
}

test('the app registers one activity per action and SDK activity, named as its activityName', () => {
  const expected = [...actions.allActions, ...sdkActions].map((action) => action.activityName).sort();
  assert.deepEqual(registered('activityTrigger'), expected);
});

test('the app registers one orchestration per playbook of the catalogue, named as its orchestrationName', () => {
  const playbookOrchestrations = registered('orchestrationTrigger').filter((name) => name.startsWith('playbook-'));
  assert.deepEqual(playbookOrchestrations, catalogue.map((entry) => entry.orchestrationName).sort());
  for (const entry of catalogue) assert.equal(entry.orchestrationName, orchestrationNameOf(entry.name));
});

test('names.ts and sdkActionNames name exactly the actions of the catalogues, and activity names follow activityNameOf', () => {
  assert.deepEqual([...allActionNames].sort(), actions.allActions.map((action) => action.name).sort());
  for (const vendor of Object.keys(actionNames) as (keyof typeof actionNames)[]) {
    for (const [verb, action] of Object.entries(actions[vendor])) assert.equal(action.name, `${vendor}.${verb}`);
  }
  assert.deepEqual([...sdkActionNames], sdkActions.map((action) => action.name));
  for (const action of [...actions.allActions, ...sdkActions]) assert.equal(action.activityName, activityNameOf(action.name));
});
