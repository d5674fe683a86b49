// Starting the playbook runs an incident should have, exactly once each. The instance id is derived from
// (playbook, incident, event), so "already has a run" is a question the durable store answers:
// - an instance with that id exists in any state → duplicate (Durable's startNew would *replace* a
//   completed one, so existence is checked first);
// - two deliveries racing past that check: startNew of a running id is refused (409) → duplicate;
// - on one host, concurrent deliveries of the same id share one start, which closes the window where the
//   first run could complete between the second delivery's check and its startNew.
import type { DurableClient } from 'durable-functions';
import { redact } from '../clients/redact.js';
import type { Incident, IncidentData } from '../incident/model.js';
import { runInstanceId } from './instanceId.js';
import type { PlaybookMatch } from './match.js';

/** What every playbook orchestration receives as input. */
export interface PlaybookRunInput {
  incident: IncidentData;
  playbook: string;
  deliveryId: string;
  receivedAtUtc: string;
  source: DeliverySource;
  /** Why the trigger matched, one line per criterion. */
  matchReasons: string[];
}

export type DeliverySource = 'webhook' | 'reconciler';

export interface Delivery {
  deliveryId: string;
  receivedAtUtc: string;
  source: DeliverySource;
}

export interface RunRef {
  playbook: string;
  instanceId: string;
  /** True when the run already existed and nothing was started. */
  duplicate: boolean;
  /** Durable status endpoint of the run, without any key: callers add their own. */
  statusQueryGetUri: string;
}

/** A matching playbook whose run the durable runtime did not start, and why (redacted). */
export interface FailedStart {
  playbook: string;
  error: string;
}

export interface StartResult {
  /** The runs started or found already there. */
  runs: RunRef[];
  failed: FailedStart[];
}

const inFlight = new Map<string, Promise<RunRef>>();

/** Starts each match on its own: one refused run does not keep the others from starting (or from being recorded). */
export async function startRuns(client: DurableClient, incident: Incident, matches: readonly PlaybookMatch[], delivery: Delivery): Promise<StartResult> {
  const settled = await Promise.allSettled(
    matches.map(async (match) => {
      const instanceId = runInstanceId(match.entry.name, incident);
      const pending = inFlight.get(instanceId);
      if (pending) return { ...(await pending), duplicate: true };
      const started = startOnce(client, incident, match, instanceId, delivery);
      inFlight.set(instanceId, started);
      try {
        return await started;
      } finally {
        inFlight.delete(instanceId);
      }
    }),
  );
  const result: StartResult = { runs: [], failed: [] };
  settled.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') result.runs.push(outcome.value);
    else result.failed.push({ playbook: matches[i]!.entry.name, error: redact(String((outcome.reason as Error)?.message ?? outcome.reason)).slice(0, 500) });
  });
  return result;
}

async function startOnce(client: DurableClient, incident: Incident, match: PlaybookMatch, instanceId: string, delivery: Delivery): Promise<RunRef> {
  const ref = (duplicate: boolean): RunRef => ({
    playbook: match.entry.name,
    instanceId,
    duplicate,
    statusQueryGetUri: withoutKey(client.createHttpManagementPayload(instanceId).statusQueryGetUri),
  });
  if (await instanceExists(client, instanceId)) return ref(true);
  const input: PlaybookRunInput = {
    incident,
    playbook: match.entry.name,
    deliveryId: delivery.deliveryId,
    receivedAtUtc: delivery.receivedAtUtc,
    source: delivery.source,
    matchReasons: match.reasons,
  };
  try {
    await client.startNew(match.entry.orchestrationName, { instanceId, input, version: match.entry.version });
  } catch (err) {
    if (isConflict(err)) return ref(true);
    throw err;
  }
  return ref(false);
}

export async function instanceExists(client: DurableClient, instanceId: string): Promise<boolean> {
  try {
    await client.getStatus(instanceId);
    return true;
  } catch (err) {
    // durable-functions reports a missing instance only through its error message.
    if (/HTTP 404/.test((err as Error).message)) return false;
    throw err;
  }
}

function isConflict(err: unknown): boolean {
  return /status code: 409/.test((err as Error).message ?? '');
}

/** The management URLs carry the host's key in `code`; responses and run history must not. */
export function withoutKey(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete('code');
  return parsed.toString();
}
