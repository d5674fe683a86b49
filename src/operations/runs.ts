// Run listing and run detail: durable instances seen as playbook runs on an incident.
import type { DurableApi, InstanceJson, RuntimeStatus } from './durableApi.js';
import { deriveTimeline, type TimelineStep, type TitleLookup } from './timeline.js';

/** Where a run's incident is; read from the run's input (the normalised incident). */
export interface IncidentRef {
  id: string;
  name: string;
  number?: number;
  title?: string;
  portalUrl?: string;
}

export interface RunSummary {
  instanceId: string;
  /** Playbook name from the catalogue (the orchestration name when it is not in the catalogue). */
  playbook: string;
  status: RuntimeStatus;
  createdAt: string;
  lastUpdatedAt: string;
  dryRun: boolean;
  incident?: IncidentRef;
  customStatus?: unknown;
}

export interface RunDetail extends RunSummary {
  output?: unknown;
  timeline: TimelineStep[];
}

export interface RunFilter {
  /** ARM id, incident name or incident number. */
  incident?: string;
  /** Orchestration names to keep (a playbook filter resolved through the catalogue). */
  orchestrations?: readonly string[];
  statuses?: readonly RuntimeStatus[];
  from?: Date;
  to?: Date;
}

export interface RunPage {
  runs: RunSummary[];
  continuationToken?: string;
}

/** Playbook naming: orchestration name → playbook name. */
export type PlaybookNameOf = (orchestrationName: string) => string | undefined;

const MAX_BACKEND_PAGES = 20;

/**
 * One page of runs, newest first within the page. Incident and playbook filters apply on top of the
 * durable query, so a page may hold fewer than `top` runs while a continuation token remains.
 */
export async function listRuns(
  durable: DurableApi,
  filter: RunFilter,
  paging: { top: number; continuationToken?: string },
  playbookNameOf: PlaybookNameOf,
): Promise<RunPage> {
  const runs: RunSummary[] = [];
  let token = paging.continuationToken;
  for (let page = 0; page < MAX_BACKEND_PAGES; page++) {
    const result = await durable.list({
      top: paging.top - runs.length,
      ...(token ? { continuationToken: token } : {}),
      ...(filter.from ? { createdTimeFrom: filter.from } : {}),
      ...(filter.to ? { createdTimeTo: filter.to } : {}),
      ...(filter.statuses ? { runtimeStatus: filter.statuses } : {}),
    });
    for (const instance of result.instances) {
      // Other orchestrations (the intake ledger's records) are not playbook runs.
      if (playbookNameOf(instance.name) === undefined) continue;
      const run = toSummary(instance, playbookNameOf);
      if (matches(run, instance, filter)) runs.push(run);
    }
    token = result.continuationToken;
    if (!token || runs.length >= paging.top) break;
  }
  runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.instanceId.localeCompare(b.instanceId));
  return token ? { runs, continuationToken: token } : { runs };
}

export async function getRun(durable: DurableApi, instanceId: string, playbookNameOf: PlaybookNameOf, titleOf: TitleLookup): Promise<RunDetail | undefined> {
  const instance = await durable.status(instanceId, { history: true });
  if (!instance) return undefined;
  const detail: RunDetail = { ...toSummary(instance, playbookNameOf), timeline: deriveTimeline(instance.historyEvents ?? [], titleOf) };
  if (instance.output !== undefined && instance.output !== null) detail.output = instance.output;
  return detail;
}

export function isTerminal(status: RuntimeStatus): boolean {
  return status === 'Completed' || status === 'Failed' || status === 'Terminated' || status === 'Canceled';
}

export function toSummary(instance: InstanceJson, playbookNameOf: PlaybookNameOf): RunSummary {
  const run: RunSummary = {
    instanceId: instance.instanceId,
    playbook: playbookNameOf(instance.name) ?? instance.name,
    status: instance.runtimeStatus,
    createdAt: new Date(instance.createdTime).toISOString(),
    lastUpdatedAt: new Date(instance.lastUpdatedTime).toISOString(),
    dryRun: dryRunOf(instance.input),
  };
  const incident = incidentRefOf(instance.input);
  if (incident) run.incident = incident;
  if (instance.customStatus !== undefined && instance.customStatus !== null && instance.customStatus !== '') {
    run.customStatus = instance.customStatus;
  }
  return run;
}

/** The incident of a run input: the normalised incident itself, or under `incident`. */
export function incidentRefOf(input: unknown): IncidentRef | undefined {
  const parsed = typeof input === 'string' ? safeParse(input) : input;
  if (!isRecord(parsed)) return undefined;
  const candidate = isRecord(parsed['incident']) ? parsed['incident'] : parsed;
  const id = candidate['id'];
  if (typeof id !== 'string' || !/\/providers\/Microsoft\.SecurityInsights\/incidents\/[^/]+$/i.test(id)) return undefined;
  const ref: IncidentRef = { id, name: typeof candidate['name'] === 'string' ? candidate['name'] : id.slice(id.lastIndexOf('/') + 1) };
  if (typeof candidate['number'] === 'number') ref.number = candidate['number'];
  if (typeof candidate['title'] === 'string') ref.title = candidate['title'];
  if (typeof candidate['portalUrl'] === 'string' && /^https:\/\//i.test(candidate['portalUrl'])) ref.portalUrl = candidate['portalUrl'];
  return ref;
}

function dryRunOf(input: unknown): boolean {
  const parsed = typeof input === 'string' ? safeParse(input) : input;
  return isRecord(parsed) && parsed['dryRun'] === true;
}

function matches(run: RunSummary, instance: InstanceJson, filter: RunFilter): boolean {
  if (filter.orchestrations && !filter.orchestrations.includes(instance.name)) return false;
  if (filter.incident !== undefined) {
    const wanted = filter.incident.toLowerCase();
    const ref = run.incident;
    if (!ref) return false;
    const hit = ref.id.toLowerCase() === wanted || ref.name.toLowerCase() === wanted || (ref.number !== undefined && String(ref.number) === wanted);
    if (!hit) return false;
  }
  return true;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
