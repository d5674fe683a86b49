// The intake ledger: one record per accepted delivery. It is kept as one tiny orchestration instance per
// delivery (`intake-<deliveryId>`, input = the record, output = the record) because the durable store is
// the one store that exists both in Azure (Storage/MSSQL/DTS backends) and in the local host, survives
// restarts, and is queryable through the same client the intake already holds: no new infrastructure,
// no connection string. Purging old instances with the rest of the task hub's history purges the ledger too.
import * as df from 'durable-functions';
import type { DurableClient, OrchestrationContext } from 'durable-functions';
import type { Incident } from '../incident/model.js';
import type { Delivery, RunRef } from './runs.js';

export const LEDGER_ORCHESTRATION = 'intakeLedgerRecord';
export const LEDGER_PREFIX = 'intake-';

export interface IntakeRecord {
  deliveryId: string;
  receivedAtUtc: string;
  source: Delivery['source'];
  /** The relay body's eventUniqueId, when the relay sent one. */
  eventUniqueId?: string;
  incident: { id: string; name: string; number?: number; eventType: string };
  runs: { playbook: string; instanceId: string; duplicate: boolean }[];
  /** True when the delivery matched playbooks but every run already existed. */
  duplicate: boolean;
  /** Why nothing was started, when nothing matched. */
  reason?: string;
}

export function registerLedgerOrchestration(): void {
  df.app.orchestration(LEDGER_ORCHESTRATION, function* (context: OrchestrationContext) {
    return context.df.getInput();
  });
}

export function ledgerRecord(incident: Incident, delivery: Delivery, runs: readonly RunRef[], extra: { eventUniqueId?: string; reason?: string }): IntakeRecord {
  return {
    deliveryId: delivery.deliveryId,
    receivedAtUtc: delivery.receivedAtUtc,
    source: delivery.source,
    ...(extra.eventUniqueId ? { eventUniqueId: extra.eventUniqueId } : {}),
    incident: {
      id: incident.id,
      name: incident.name,
      ...(incident.number !== undefined ? { number: incident.number } : {}),
      eventType: incident.eventType,
    },
    runs: runs.map((r) => ({ playbook: r.playbook, instanceId: r.instanceId, duplicate: r.duplicate })),
    duplicate: runs.length > 0 && runs.every((r) => r.duplicate),
    ...(extra.reason ? { reason: extra.reason } : {}),
  };
}

export async function recordDelivery(client: DurableClient, record: IntakeRecord): Promise<void> {
  await client.startNew(LEDGER_ORCHESTRATION, { instanceId: `${LEDGER_PREFIX}${record.deliveryId}`, input: record });
}

export interface LedgerQuery {
  /** Incident ARM id, name or number. */
  incident?: string;
  since?: Date;
  top: number;
}

/** Newest first. */
export async function queryLedger(client: DurableClient, query: LedgerQuery): Promise<IntakeRecord[]> {
  const statuses = (await client.getStatusBy(query.since ? { createdTimeFrom: query.since } : {})) as unknown as RawStatus[];
  const wanted = query.incident?.toLowerCase();
  const records = statuses
    .filter((s) => s.name === LEDGER_ORCHESTRATION && typeof s.instanceId === 'string' && s.instanceId.startsWith(LEDGER_PREFIX))
    .map((s) => asRecord(s.output) ?? asRecord(s.input))
    .filter((r): r is IntakeRecord => r !== undefined)
    .filter((r) => !query.since || Date.parse(r.receivedAtUtc) >= query.since.getTime())
    .filter(
      (r) =>
        wanted === undefined ||
        r.incident.id.toLowerCase() === wanted ||
        r.incident.name.toLowerCase() === wanted ||
        String(r.incident.number) === wanted,
    );
  records.sort((a, b) => b.receivedAtUtc.localeCompare(a.receivedAtUtc) || b.deliveryId.localeCompare(a.deliveryId));
  return records.slice(0, query.top);
}

interface RawStatus {
  name?: string;
  instanceId?: string;
  input?: unknown;
  output?: unknown;
}

function asRecord(value: unknown): IntakeRecord | undefined {
  const v = typeof value === 'string' ? safeParse(value) : value;
  if (v === null || typeof v !== 'object') return undefined;
  const r = v as Partial<IntakeRecord>;
  return typeof r.deliveryId === 'string' && typeof r.receivedAtUtc === 'string' && r.incident && Array.isArray(r.runs)
    ? (r as IntakeRecord)
    : undefined;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
