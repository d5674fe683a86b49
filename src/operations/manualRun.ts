// Manual runs: an analyst starts one playbook on one incident, named by ARM id, by number (looked up in
// the configured workspace) or given as a full incident body.
import { z } from 'zod';
import type { IncidentRef } from './runs.js';

export const manualRunRequestSchema = z
  .strictObject({
    incidentId: z.string().regex(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+\/providers\/Microsoft\.SecurityInsights\/incidents\/[^/]+$/i, 'an incident ARM id').optional(),
    incidentNumber: z.number().int().positive().optional(),
    incident: z.record(z.string(), z.unknown()).optional(),
    dryRun: z.boolean().default(false),
    force: z.boolean().default(false),
  })
  .refine((r) => [r.incidentId, r.incidentNumber, r.incident].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of incidentId, incidentNumber or incident',
    path: ['incidentId'],
  });

export type ManualRunRequest = z.infer<typeof manualRunRequestSchema>;

export interface RunUrls {
  run: string;
  page: string;
  cancel: string;
  approval: string;
}

export interface ManualRunResponse {
  playbook: string;
  instanceId: string;
  /** True when a run already existed for this playbook and incident and was returned instead. */
  duplicate: boolean;
  dryRun: boolean;
  incident: IncidentRef;
  urls: RunUrls;
}

/** A playbook as manual runs need it. */
export interface RunnablePlaybook {
  name: string;
  orchestrationName: string;
  version: string;
}

/** An incident resolved from the request, or why not (502 when Sentinel could not be asked). */
export type IncidentResolution<I> =
  | { ok: true; incident: I }
  | { ok: false; status: 400; code: 'incident_not_found' | 'invalid_incident'; message: string; details?: unknown[] }
  | { ok: false; status: 502; code: 'incident_lookup_failed'; message: string };

export interface ManualRunDeps<I> {
  resolveIncident(request: ManualRunRequest): Promise<IncidentResolution<I>>;
  refOf(incident: I): IncidentRef;
  /** The instance id intake would give this playbook on this incident, with `suffix` (for forced and dry runs). */
  instanceIdFor(playbook: RunnablePlaybook, incident: I, suffix: string): string;
  inputFor(playbook: RunnablePlaybook, incident: I, options: { dryRun: boolean; deliveryId: string }): unknown;
  /** Whether an instance with this id exists. */
  exists(instanceId: string): Promise<boolean>;
  /** Starts the orchestration; `conflict` when an instance with the id appeared meanwhile. */
  start(playbook: RunnablePlaybook, instanceId: string, input: unknown): Promise<'started' | 'conflict'>;
  /** A short unique suffix (time-based) for forced and dry runs. */
  uniqueSuffix(): string;
}

export type ManualRunOutcome =
  | { status: 200 | 202; run: Omit<ManualRunResponse, 'urls'> }
  | { status: 400 | 502; code: string; message: string; details?: unknown[] };

export async function startManualRun<I>(playbook: RunnablePlaybook, request: ManualRunRequest, deps: ManualRunDeps<I>): Promise<ManualRunOutcome> {
  const resolved = await deps.resolveIncident(request);
  if (!resolved.ok) return resolved;
  const incident = resolved.incident;
  // A dry run never blocks (or is blocked by) a real run; a forced run is always a fresh instance.
  const suffix = request.dryRun ? `-dryrun-${deps.uniqueSuffix()}` : request.force ? `-${deps.uniqueSuffix()}` : '';
  const instanceId = deps.instanceIdFor(playbook, incident, suffix);
  const run = { playbook: playbook.name, instanceId, dryRun: request.dryRun, incident: deps.refOf(incident) };
  if (!request.dryRun && !request.force && (await deps.exists(instanceId))) return { status: 200, run: { ...run, duplicate: true } };
  const input = deps.inputFor(playbook, incident, { dryRun: request.dryRun, deliveryId: `manual-${instanceId}` });
  const started = await deps.start(playbook, instanceId, input);
  return { status: started === 'started' ? 202 : 200, run: { ...run, duplicate: started === 'conflict' } };
}
