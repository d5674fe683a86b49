// Run instance ids derive from (playbook, incident, event), so a redelivered incident maps to the run it
// already has. Readable on purpose: `repo-restore-inc-42-create`. Incident names are Sentinel GUIDs
// (unique across workspaces) and ARM ids are case-insensitive, so the name is lower-cased: the relay
// and the reconciler's incident listing then agree.
import type { IncidentData } from '../incident/model.js';

/**
 * `<playbook>-<incident name>-create`. An Update event is a new occurrence each time the incident changes,
 * so its id also carries the incident's lastModifiedTimeUtc to the millisecond (`-update-20261120T080002Z`,
 * `-update-20261120T080002.123Z`): a redelivery of the same update is a duplicate, a later update is not.
 */
export function runInstanceId(playbook: string, incident: Pick<IncidentData, 'name' | 'eventType' | 'lastModifiedTimeUtc'>): string {
  const name = incident.name.toLowerCase().replace(/[^a-z0-9._-]/g, '-');
  if (incident.eventType === 'Create') return `${playbook}-${name}-create`;
  // Validation refuses an Update without the time; whole seconds keep the form ids had before milliseconds.
  const stamp = incident.lastModifiedTimeUtc!.replace(/[-:]/g, '').replace(/\.000Z$/, 'Z');
  return `${playbook}-${name}-update-${stamp}`;
}
