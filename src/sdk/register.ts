// The one place playbooks become durable functions: each playbook is an orchestration named
// 'playbook-<name>', plus the SDK's own activities. Called once from functions/.
import * as df from 'durable-functions';
import { executeAction, type Action, type ActionEnvelope } from '../actions/action.js';
import { playbookOrchestration } from './orchestration.js';
import type { Playbook } from './playbook.js';
import { readSettings, requestApproval } from './sdkActions.js';

export function registerPlaybooks(playbooks: readonly Playbook<unknown>[]): void {
  const names = new Set<string>();
  for (const playbook of playbooks) {
    if (names.has(playbook.name)) throw new Error(`Two playbooks are named '${playbook.name}'`);
    names.add(playbook.name);
    df.app.orchestration(playbook.orchestrationName, playbookOrchestration(playbook));
  }
  registerActivity(readSettings);
  registerActivity(requestApproval);
}

function registerActivity<I, O>(action: Action<I, O>): void {
  df.app.activity(action.activityName, {
    // executeAction validates the envelope itself.
    handler: (envelope: unknown, context) => executeAction(action, envelope as ActionEnvelope, (message) => context.log(message)),
  });
}
