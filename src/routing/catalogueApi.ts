// GET /api/playbooks: the catalogue as operators and `soar` see it, with each trigger's effective defaults.
import { app } from '@azure/functions';
import type { PlaybookEntry } from './trigger.js';

export function registerPlaybookList(options: { catalogue: readonly PlaybookEntry[] }): void {
  app.http('playbookList', {
    route: 'playbooks',
    methods: ['GET'],
    authLevel: 'function',
    handler: () => ({ status: 200, jsonBody: { playbooks: options.catalogue.map(describePlaybook) } }),
  });
}

/** The entry as JSON (entries may carry more than PlaybookEntry, e.g. permissions), defaults filled in. */
export function describePlaybook(entry: PlaybookEntry): PlaybookEntry {
  return {
    ...entry,
    trigger: { ...entry.trigger, eventTypes: entry.trigger.eventTypes ?? ['Create'], enabled: entry.trigger.enabled ?? true },
  };
}
