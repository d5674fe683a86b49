// The safety net for automation runs Sentinel misses or delays (Azure/Azure-Sentinel #10106, #9604,
// #9890): on a timer, list recent open incidents and start the Create runs that matching incidents should
// have had. Instance ids are the intake's, so an incident the relay did deliver starts nothing here.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import type { Action } from '../actions/action.js';
import type { IncidentSummary } from '../actions/sentinel/incident.js';
import { durableClient } from './client.js';
import { loadNormalise, loadSentinelActions } from './lazy.js';
import { ledgerRecord, recordDelivery } from './ledger.js';
import { matchPlaybooks } from './match.js';
import { startRuns, type FailedStart, type RunRef } from './runs.js';
import { checkedCatalogue, type CatalogueSource, type PlaybookEntry } from './trigger.js';

// Required, not imported: an ESM import of this CommonJS package makes Node scan its whole bundle for export
// names on every cold start (as in catalogueApi.ts).
const { app } = createRequire(import.meta.url)('@azure/functions') as typeof import('@azure/functions');

export const RECONCILER_DEFAULTS = {
  schedule: '0 */5 * * * *',
  lookbackMinutes: 24 * 60,
  /** Incidents younger than this are left to the relay (and their entities time to arrive: #4661). */
  graceMinutes: 10,
  /** Most incidents one pass examines (each costs two reads); more are logged, and listed once older ones leave the window. */
  top: 1000,
};

/** Where a pass finds incidents. */
export interface IncidentSource {
  /** Open incidents created in [since, before), oldest first. */
  list(since: Date, before: Date): Promise<IncidentSummary[]>;
  /** A listed incident with its alerts and entities, ARM-shaped, as normaliseIncident accepts it. */
  read(summary: IncidentSummary): Promise<unknown>;
}

export interface ReconcileResult {
  examined: number;
  /** Runs this pass started (duplicates excluded). */
  started: RunRef[];
  /** Runs the durable runtime refused (the next pass tries them again). */
  failed: (FailedStart & { id: string })[];
  /** Incidents that could not be read or normalised, with why. */
  skipped: { id: string; reason: string }[];
}

/**
 * Registers the timer only when RECONCILER_ENABLED=true; schedule (NCRONTAB, six fields) from
 * RECONCILER_SCHEDULE, window from RECONCILER_LOOKBACK_MINUTES and RECONCILER_GRACE_MINUTES.
 */
export function registerReconciler(options: { catalogue: CatalogueSource }): void {
  if (process.env.RECONCILER_ENABLED !== 'true') return;
  const catalogue = checkedCatalogue(options.catalogue);
  app.timer('incidentReconciler', {
    schedule: process.env.RECONCILER_SCHEDULE || RECONCILER_DEFAULTS.schedule,
    extraInputs: [df.input.durableClient()],
    handler: async (_timer, context: InvocationContext) => {
      // Read here, not at registration: a throw there fails the whole app's start, the webhook included.
      const settings = windowSettings();
      if (Array.isArray(settings)) {
        for (const problem of settings) context.error(`Reconciler not run: ${problem}`);
        return;
      }
      const { lookbackMinutes, graceMinutes } = settings;
      const now = new Date();
      const result = await reconcile({
        catalogue: catalogue(),
        client: durableClient(context),
        source: sentinelIncidentSource((m) => context.log(m)),
        since: new Date(now.getTime() - lookbackMinutes * 60_000),
        before: new Date(now.getTime() - graceMinutes * 60_000),
      });
      context.log(
        `Reconciler: ${result.examined} incidents examined, ${result.started.length} runs started` +
          (result.started.length ? ` (${result.started.map((r) => r.instanceId).join(', ')})` : '') +
          (result.failed.length ? `, ${result.failed.length} failed (${result.failed.map((f) => `${f.playbook} on ${f.id}: ${f.error}`).join('; ')})` : '') +
          (result.skipped.length ? `, ${result.skipped.length} skipped (${result.skipped.map((k) => `${k.id}: ${k.reason}`).join('; ')})` : ''),
      );
    },
  });
}

export interface ReconcileOptions {
  catalogue: readonly PlaybookEntry[];
  client: DurableClient;
  source: IncidentSource;
  /** Incidents created at or after this time are examined... */
  since: Date;
  /** ...up to this time. */
  before: Date;
}

export async function reconcile(options: ReconcileOptions): Promise<ReconcileResult> {
  const result: ReconcileResult = { examined: 0, started: [], failed: [], skipped: [] };
  const { IncidentValidationError, normaliseIncident } = loadNormalise();
  for (const summary of await options.source.list(options.since, options.before)) {
    let incident;
    try {
      incident = normaliseIncident(await options.source.read(summary));
    } catch (err) {
      // One incident (deleted since it was listed, unreadable, invalid) must not cost the others their pass.
      const reason = err instanceof IncidentValidationError ? err.message : `reading its alerts and entities failed: ${(err as Error).message}`;
      result.skipped.push({ id: summary.id, reason });
      continue;
    }
    const created = incident.createdTimeUtc ? Date.parse(incident.createdTimeUtc) : Number.NaN;
    if (!(created >= options.since.getTime() && created < options.before.getTime())) continue;
    result.examined++;
    const routing = matchPlaybooks(incident, options.catalogue);
    if (routing.matches.length === 0) continue;
    const delivery = { deliveryId: randomUUID(), receivedAtUtc: new Date().toISOString(), source: 'reconciler' as const };
    const { runs, failed } = await startRuns(options.client, incident, routing.matches, delivery);
    const started = runs.filter((r) => !r.duplicate);
    result.started.push(...started);
    result.failed.push(...failed.map((f) => ({ ...f, id: incident.id })));
    if (started.length === 0 && failed.length === 0) continue;
    await recordDelivery(options.client, ledgerRecord(incident, delivery, { runs, failed }, {}));
  }
  return result;
}

/** Open incidents from the configured workspace (Sentinel actions), each with its alerts and entities. */
export function sentinelIncidentSource(log: (message: string) => void): IncidentSource {
  return {
    async list(since, before) {
      const { listIncidents } = loadSentinelActions();
      const window = { createdAfter: since.toISOString(), createdBefore: before.toISOString() };
      return (await run(listIncidents, { ...window, statuses: ['New', 'Active'], top: RECONCILER_DEFAULTS.top }, log)).incidents;
    },
    async read(summary) {
      const { listAlerts, listEntities } = loadSentinelActions();
      const [{ alerts }, { entities }] = await Promise.all([
        run(listAlerts, { incidentId: summary.id }, log),
        run(listEntities, { incidentId: summary.id }, log),
      ]);
      return armIncident(summary, alerts, entities);
    },
  };
}

/** The summary the action returns, back in the ARM resource shape (labels as objects, alerts and entities inline). */
function armIncident(summary: IncidentSummary, alerts: unknown[], entities: unknown[]): unknown {
  const { id, name, etag, incidentNumber, incidentUrl, providerName, labels, ...rest } = summary;
  return {
    id,
    name,
    etag,
    properties: {
      ...rest,
      incidentNumber,
      incidentUrl,
      providerName,
      labels: labels.map((labelName) => ({ labelName })),
      alerts,
      relatedEntities: entities,
    },
  };
}

async function run<I, O>(action: Action<I, O>, input: I, log: (message: string) => void): Promise<O> {
  const { executeAction } = loadSentinelActions();
  const output = await executeAction(action, { input, instanceId: 'reconciler', stepKey: action.name, dryRun: false }, log);
  return output as O;
}

/** The window's settings, or what is wrong with each. */
function windowSettings(): { lookbackMinutes: number; graceMinutes: number } | string[] {
  const problems: string[] = [];
  const minutes = (name: string, fallback: number): number => {
    const raw = process.env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    if (/^\d+$/.test(raw)) return Number(raw);
    problems.push(`setting ${name} is "${raw}"; expected a whole number of minutes (digits only).`);
    return fallback;
  };
  const lookbackMinutes = minutes('RECONCILER_LOOKBACK_MINUTES', RECONCILER_DEFAULTS.lookbackMinutes);
  const graceMinutes = minutes('RECONCILER_GRACE_MINUTES', RECONCILER_DEFAULTS.graceMinutes);
  return problems.length > 0 ? problems : { lookbackMinutes, graceMinutes };
}
