// GET /api/playbooks: the catalogue as operators and `soar` see it, with each trigger's effective defaults.
import { createRequire } from 'node:module';
import type { CatalogueSource, PlaybookEntry, PlaybookTrigger } from './trigger.js';

// Required, not imported: an ESM import of this CommonJS package makes Node scan its 190 KB bundle for export
// names, about 1 MB and tens of milliseconds of every cold start (durable-functions has required it already).
const { app } = createRequire(import.meta.url)('@azure/functions') as typeof import('@azure/functions');

export interface PlaybookDescription {
  name: string;
  title: string;
  description?: string;
  version: string;
  orchestrationName: string;
  trigger: PlaybookTrigger;
  /** What the playbook's actions need granted, when the entry declares it. */
  permissions?: readonly unknown[];
}

/** `catalogue`: the entries, or a function that loads them (the app's, on the first request). */
export function registerPlaybookList(options: { catalogue: CatalogueSource }): void {
  const { catalogue } = options;
  app.http('playbookList', {
    route: 'playbooks',
    methods: ['GET'],
    authLevel: 'function',
    handler: () => {
      const entries = typeof catalogue === 'function' ? catalogue() : catalogue;
      return { status: 200, jsonBody: { playbooks: entries.map(describePlaybook) } };
    },
  });
}

/**
 * The listed fields only: catalogue entries may carry more (the SDK's carry a settings schema and the
 * orchestrator), which is not JSON to publish.
 */
export function describePlaybook(entry: PlaybookEntry & { description?: unknown; permissions?: unknown }): PlaybookDescription {
  return {
    name: entry.name,
    title: entry.title,
    ...(typeof entry.description === 'string' ? { description: entry.description } : {}),
    version: entry.version,
    orchestrationName: entry.orchestrationName,
    trigger: { ...entry.trigger, eventTypes: entry.trigger.eventTypes ?? ['Create'], enabled: entry.trigger.enabled ?? true },
    ...(Array.isArray(entry.permissions) ? { permissions: entry.permissions } : {}),
  };
}
