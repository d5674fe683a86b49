// The one place playbooks become durable functions: each playbook is an orchestration named
// 'playbook-<name>', plus the SDK's own activities. Called once from functions/. Registering needs the
// playbook names only; the playbooks, the SDK's orchestration code and zod load on the first run, with
// require, because an orchestrator is a generator and cannot await.
import { createRequire } from 'node:module';
import * as df from 'durable-functions';
import type { OrchestrationHandler } from 'durable-functions';
import { registerActionActivities } from '../actions/register.js';
import type { PlaybookEntry } from '../routing/trigger.js';

const require = createRequire(import.meta.url);

/** The SDK's activities by name (sdkActions.ts defines them; test/project checks that the two agree). */
export const sdkActionNames = ['sdk.readSettings', 'sdk.requestApproval'] as const;

/** A catalogue that is not loaded yet: the playbook names now, the entries on first use. */
export interface LazyCatalogue {
  readonly names: readonly string[];
  load(): readonly PlaybookEntry[];
}

/** Registers every playbook of the catalogue; each entry must come from definePlaybook. */
export function registerPlaybooks(catalogue: readonly PlaybookEntry[] | LazyCatalogue): void {
  const { names, load } = 'load' in catalogue ? catalogue : { names: catalogue.map((entry) => entry.name), load: () => catalogue };
  let byName: ReadonlyMap<string, OrchestrationHandler> | undefined;
  const orchestrationOf = (name: string): OrchestrationHandler => {
    byName ??= playbookOrchestrations(load());
    const orchestration = byName.get(name);
    if (!orchestration) throw new Error(`The orchestration ${orchestrationName(name)} is registered, but the catalogue has no playbook '${name}'.`);
    return orchestration;
  };
  for (const name of names) df.app.orchestration(orchestrationName(name), (context) => orchestrationOf(name)(context));
  registerActionActivities(sdkActionNames, () => (require('./sdkActions.js') as typeof import('./sdkActions.js')).sdkActions);
}

/** orchestrationNameOf (playbook.ts) without loading playbook.ts; test/project checks that they agree. */
function orchestrationName(playbookName: string): string {
  return `playbook-${playbookName}`;
}

function playbookOrchestrations(catalogue: readonly PlaybookEntry[]): Map<string, OrchestrationHandler> {
  const { isPlaybook } = require('./playbook.js') as typeof import('./playbook.js');
  const { playbookOrchestration } = require('./orchestration.js') as typeof import('./orchestration.js');
  const byName = new Map<string, OrchestrationHandler>();
  for (const entry of catalogue) {
    if (!isPlaybook(entry)) throw new Error(`Catalogue entry '${entry.name}' was not made with definePlaybook`);
    if (byName.has(entry.name)) throw new Error(`Two playbooks are named '${entry.name}'`);
    byName.set(entry.name, playbookOrchestration(entry));
  }
  return byName;
}
