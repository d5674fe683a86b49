// The intake ledger: one record per accepted delivery, kept in tiny orchestration instances of the task hub
// (`intakeLedgerRecord`, input = {records}, output = the same), because the durable store is the one store
// that exists both in Azure (Storage/MSSQL/DTS backends) and in the local host, survives restarts, and is
// queryable through the same client the intake already holds: no new infrastructure, no connection string.
// Purging old instances with the rest of the task hub's history purges the ledger too.
//
// Records are group-committed: a delivery's record is queued, and one write (one startNew) carries every
// record queued while the previous write was in flight, up to LEDGER_BATCH_MAX. A delivery is answered only
// once the write that carries its record has been accepted by the durable store, so nothing accepted is
// unrecorded; a delivery arriving alone is written alone, at once. Under load this turns one orchestration
// instance per delivery into one per batch. Each instance is `intake-<deliveryId of its first record>`.
import * as df from 'durable-functions';
import type { DurableClient, OrchestrationContext } from 'durable-functions';
import type { Incident } from '../incident/model.js';
import { parseIsoDateTime } from '../incident/time.js';
import type { Delivery, FailedStart, StartResult } from './runs.js';

export const LEDGER_ORCHESTRATION = 'intakeLedgerRecord';
export const LEDGER_PREFIX = 'intake-';
/** Most records one ledger instance carries (about 600 bytes each). */
export const LEDGER_BATCH_MAX = 64;

export interface IntakeRecord {
  deliveryId: string;
  receivedAtUtc: string;
  source: Delivery['source'];
  /** The relay body's eventUniqueId, when the relay sent one. */
  eventUniqueId?: string;
  incident: { id: string; name: string; number?: number; eventType: string };
  runs: { playbook: string; instanceId: string; duplicate: boolean }[];
  /**
   * Matching playbooks whose runs the durable runtime refused. A webhook delivery answered 503 and is sent
   * again; a reconciler record (source 'reconciler') answered nobody, and the reconciler's next pass tries
   * them again while the incident is still open and inside its lookback window.
   */
  failed?: FailedStart[];
  /** True when the delivery matched playbooks but every run already existed. */
  duplicate: boolean;
  /** Why nothing was started, when nothing matched. */
  reason?: string;
}

/** The input (and output) of one ledger instance. */
export interface LedgerBatch {
  records: IntakeRecord[];
}

export function registerLedgerOrchestration(): void {
  df.app.orchestration(LEDGER_ORCHESTRATION, function* (context: OrchestrationContext) {
    return context.df.getInput();
  });
}

export function ledgerRecord(incident: Incident, delivery: Delivery, started: StartResult, extra: { eventUniqueId?: string; reason?: string }): IntakeRecord {
  const { runs, failed } = started;
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
    ...(failed.length > 0 ? { failed } : {}),
    duplicate: runs.length > 0 && failed.length === 0 && runs.every((r) => r.duplicate),
    ...(extra.reason ? { reason: extra.reason } : {}),
  };
}

/** The subset of the durable client the ledger writer uses. */
export type LedgerClient = Pick<DurableClient, 'startNew'>;

interface Queued {
  record: IntakeRecord;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Group commit of ledger records through one durable client; see the file comment. */
export class LedgerWriter {
  #queue: Queued[] = [];
  #draining = false;

  constructor(private readonly client: LedgerClient) {}

  /** Resolves once the record is stored; rejects (the delivery answers 503) when its write failed. */
  write(record: IntakeRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ record, resolve, reject });
      if (!this.#draining) {
        this.#draining = true;
        // Records of deliveries whose runs started in this same turn of the event loop join the first write.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, LEDGER_BATCH_MAX);
        const records = batch.map((q) => q.record);
        try {
          const input: LedgerBatch = { records };
          await this.client.startNew(LEDGER_ORCHESTRATION, { instanceId: `${LEDGER_PREFIX}${records[0]!.deliveryId}`, input });
        } catch (err) {
          for (const q of batch) q.reject(err);
          continue;
        }
        for (const q of batch) q.resolve();
      }
    } finally {
      this.#draining = false;
    }
  }
}

// One writer per client: the intake keeps one client per client binding (client.ts), so concurrent deliveries
// share a writer, and records never cross to another task hub or host.
const writers = new WeakMap<LedgerClient, LedgerWriter>();

/** Stores the record (batched with concurrent deliveries through the same client); resolves once it is stored. */
export function recordDelivery(client: LedgerClient, record: IntakeRecord): Promise<void> {
  let writer = writers.get(client);
  if (!writer) {
    writer = new LedgerWriter(client);
    writers.set(client, writer);
  }
  return writer.write(record);
}

export interface LedgerQuery {
  /** Incident ARM id, name or number. */
  incident?: string;
  since?: Date;
  /** Only records after this position of the order (newest first): the `next` of the previous page. */
  before?: LedgerCursor;
  top: number;
}

/** A position in the ledger's order: receivedAtUtc, then deliveryId (records of one millisecond are ordered by it). */
export interface LedgerCursor {
  receivedAtUtc: string;
  deliveryId: string;
}

export interface LedgerPage {
  records: IntakeRecord[];
  /** When more records follow: the cursor of the last one, `<receivedAtUtc>~<deliveryId>`, to pass as `before`. */
  next?: string;
}

/** `<receivedAtUtc>~<deliveryId>` (a `next`), or an ISO 8601 time alone (records received before it); undefined when neither. */
export function parseLedgerCursor(text: string): LedgerCursor | undefined {
  const [time = '', deliveryId = '', ...rest] = text.split('~');
  const at = parseIsoDateTime(time);
  if (!at || rest.length > 0 || deliveryId.length > 256) return undefined;
  return { receivedAtUtc: at.toISOString(), deliveryId };
}

/** Newest first: receivedAtUtc descending, then deliveryId descending. */
function newestFirst(a: LedgerCursor, b: LedgerCursor): number {
  return compareText(b.receivedAtUtc, a.receivedAtUtc) || compareText(b.deliveryId, a.deliveryId);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One page, newest first. */
export async function queryLedger(client: DurableClient, query: LedgerQuery): Promise<LedgerPage> {
  const statuses = (await client.getStatusBy(query.since ? { createdTimeFrom: query.since } : {})) as unknown as RawStatus[];
  const ledger = statuses.filter(
    (s) => s.name === LEDGER_ORCHESTRATION && typeof s.instanceId === 'string' && s.instanceId.startsWith(LEDGER_PREFIX),
  );
  const found = await Promise.all(
    ledger.map(async (s) => {
      const records = asRecords(s.output);
      if (records) return records;
      // Not completed yet (its output is still empty): the records are its input, which lists leave out.
      try {
        const status = (await client.getStatus(s.instanceId!)) as unknown as RawStatus;
        return asRecords(status.output) ?? asRecords(status.input) ?? [];
      } catch {
        return []; // purged since the list was read
      }
    }),
  );
  const wanted = query.incident?.toLowerCase();
  const { before } = query;
  const records = found
    .flat()
    .filter((r) => !query.since || Date.parse(r.receivedAtUtc) >= query.since.getTime())
    .filter((r) => !before || newestFirst(before, r) < 0)
    .filter(
      (r) =>
        wanted === undefined ||
        r.incident.id.toLowerCase() === wanted ||
        r.incident.name.toLowerCase() === wanted ||
        String(r.incident.number) === wanted,
    );
  records.sort(newestFirst);
  const page = records.slice(0, query.top);
  const last = page.at(-1);
  return records.length > page.length && last ? { records: page, next: `${last.receivedAtUtc}~${last.deliveryId}` } : { records: page };
}

interface RawStatus {
  name?: string;
  instanceId?: string;
  input?: unknown;
  output?: unknown;
}

/** The records of a ledger instance's input or output: {records: [...]}, or one bare record (written before batching). */
function asRecords(value: unknown): IntakeRecord[] | undefined {
  const v = typeof value === 'string' ? safeParse(value) : value;
  if (v === null || typeof v !== 'object') return undefined;
  const list = Array.isArray((v as Partial<LedgerBatch>).records) ? ((v as LedgerBatch).records as unknown[]) : [v];
  const records = list.filter(isRecord);
  return records.length > 0 ? records : undefined;
}

function isRecord(value: unknown): value is IntakeRecord {
  if (value === null || typeof value !== 'object') return false;
  const r = value as Partial<IntakeRecord>;
  return typeof r.deliveryId === 'string' && typeof r.receivedAtUtc === 'string' && typeof r.incident === 'object' && r.incident !== null && Array.isArray(r.runs);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
