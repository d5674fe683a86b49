// The one place playbooks become durable functions: each playbook is an orchestration named
// 'playbook-<name>', plus the SDK's own activities. Called once from functions/.
import * as df from 'durable-functions';
import { registerActionActivities } from '../actions/register.js';
import { playbookOrchestration } from './orchestration.js';
import { isPlaybook } from './playbook.js';
import type { PlaybookEntry } from '../routing/trigger.js';
import { sdkActions } from './sdkActions.js';

/** Registers every playbook of the catalogue; each entry must come from definePlaybook. */
export function registerPlaybooks(catalogue: readonly PlaybookEntry[]): void {
  const names = new Set<string>();
  for (const entry of catalogue) {
    if (!isPlaybook(entry)) throw new Error(`Catalogue entry '${entry.name}' was not made with definePlaybook`);
    const playbook = entry;
    if (names.has(playbook.name)) throw new Error(`Two playbooks are named '${playbook.name}'`);
    names.add(playbook.name);
    df.app.orchestration(playbook.orchestrationName, playbookOrchestration(playbook));
  }
  registerActionActivities(sdkActions);
}
