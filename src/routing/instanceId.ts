// Run instance ids derive from (playbook, incident, event), so a redelivered incident maps to the run it
// already has. Readable on purpose: `repo-restore-inc-42-create`. Incident names are Sentinel GUIDs
// (unique across workspaces) and ARM ids are case-insensitive, so the name is lower-cased: the relay
// and the reconciler's incident listing then agree.
import { createHash } from 'node:crypto';
import type { IncidentData } from '../incident/model.js';

/**
 * Ids are kept this short so they stay readable in lists, comments and links (the runtime accepts 256, as the
 * extension does). Only a manual run's suffix on an Update with a 48-character playbook name can pass it.
 */
const MAX_INSTANCE_ID_LENGTH = 100;

/**
 * `<playbook>-<incident name>-create`. An Update event is a new occurrence each time the incident changes,
 * so its id also carries the incident's lastModifiedTimeUtc to the millisecond (`-update-20261120T080002Z`,
 * `-update-20261120T080002.123Z`): a redelivery of the same update is a duplicate, a later update is not.
 * `suffix` (a manual run's) goes at the end. An id that would be longer than 100 characters gets a shortened
 * incident name: its first characters and 10 hex digits of the SHA-256 of all of it.
 */
export function runInstanceId(playbook: string, incident: Pick<IncidentData, 'name' | 'eventType' | 'lastModifiedTimeUtc'>, suffix = ''): string {
  const name = incident.name.toLowerCase().replace(/[^a-z0-9._-]/g, '-');
  // Validation refuses an Update without the time; whole seconds keep the form ids had before milliseconds.
  const event = incident.eventType === 'Create' ? 'create' : `update-${incident.lastModifiedTimeUtc!.replace(/[-:]/g, '').replace(/\.000Z$/, 'Z')}`;
  const tail = `-${event}${suffix}`;
  const room = MAX_INSTANCE_ID_LENGTH - playbook.length - 1 - tail.length;
  if (name.length <= room) return `${playbook}-${name}${tail}`;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 10);
  return `${playbook}-${name.slice(0, Math.max(0, room - hash.length - 1))}-${hash}${tail}`;
}
