// The operations endpoints wired to the rest of the app: the catalogue, Sentinel (incident lookup and the
// cancel comment), the incident model, intake's instance-id rule and the SDK's approval event.
import type { DurableClient } from 'durable-functions';
import { executeAction } from '../actions/action.js';
import { addComment } from '../actions/sentinel/addComment.js';
import { listAlerts } from '../actions/sentinel/listAlerts.js';
import { listEntities } from '../actions/sentinel/listEntities.js';
import { callAzureSdk } from '../clients/azureSdk.js';
import { RemoteApiError, SoarError } from '../clients/errors.js';
import { requiredSetting } from '../clients/settings.js';
import { incidentRef, sentinelClient } from '../clients/sentinel.js';
import type { Incident } from '../incident/model.js';
import { IncidentValidationError, normaliseIncident } from '../incident/normalise.js';
import { runInstanceId } from '../routing/instanceId.js';
import type { PlaybookEntry } from '../routing/trigger.js';
import type { OperationsOptions } from './api.js';
import type { InstanceJson } from './durableApi.js';
import type { IncidentResolution, ManualRunDeps, ManualRunRequest } from './manualRun.js';

/** Anything with an activity name and a title: actions and the SDK's own activities. */
export interface TitledActivity {
  activityName: string;
  title: string;
}

export function appOperations(playbooks: readonly PlaybookEntry[], activities: readonly TitledActivity[]): OperationsOptions<Incident> {
  const titles = new Map(activities.map((a) => [a.activityName, a.title]));
  return {
    playbooks,
    titleOf: (name) => titles.get(name),
    manualRun,
    async commentOnIncident(incident, html, instanceId) {
      await executeAction(addComment, { input: { incidentId: incident.id, html }, instanceId, stepKey: 'cancel', dryRun: false }, () => undefined);
    },
    approvalEvent,
  };
}

function manualRun(client: DurableClient): ManualRunDeps<Incident> {
  const exists = async (instanceId: string): Promise<boolean> => {
    try {
      await client.getStatus(instanceId);
      return true;
    } catch (err) {
      if (/\b404\b/.test((err as Error).message)) return false;
      throw err;
    }
  };
  return {
    resolveIncident,
    refOf: (incident) => ({
      id: incident.id,
      name: incident.name,
      title: incident.title,
      ...(incident.number !== undefined ? { number: incident.number } : {}),
      ...(incident.portalUrl ? { portalUrl: incident.portalUrl } : {}),
    }),
    instanceIdFor: (playbook, incident, suffix) => runInstanceId(playbook.name, incident, suffix),
    inputFor: (_playbook, incident, options) => ({ incident, dryRun: options.dryRun, deliveryId: options.deliveryId }),
    exists,
    async start(playbook, instanceId, input) {
      try {
        await client.startNew(playbook.orchestrationName, { instanceId, input, version: playbook.version });
        return 'started';
      } catch (err) {
        // Started concurrently by someone else (intake or another analyst): that run is the answer.
        if (await exists(instanceId)) return 'conflict';
        throw err;
      }
    },
    uniqueSuffix: () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
  };
}

async function resolveIncident(request: ManualRunRequest): Promise<IncidentResolution<Incident>> {
  try {
    return await lookUpIncident(request);
  } catch (err) {
    // Errors of the clients are already redacted; the lookup failing is Sentinel's answer, not a bad request.
    if (err instanceof SoarError) return { ok: false, status: 502, code: 'incident_lookup_failed', message: `Looking up the incident failed: ${err.message}` };
    throw err;
  }
}

async function lookUpIncident(request: ManualRunRequest): Promise<IncidentResolution<Incident>> {
  let body: unknown;
  if (request.incident !== undefined) body = request.incident;
  else if (request.incidentId !== undefined) {
    body = await fetchIncident(request.incidentId);
    if (body === undefined) return notFound(`No incident with id '${request.incidentId}'.`);
  } else {
    const workspace = requiredSetting('SENTINEL_WORKSPACE_NAME');
    const id = await findIncidentId(request.incidentNumber as number);
    body = id === undefined ? undefined : await fetchIncident(id);
    if (body === undefined) return notFound(`No incident number ${request.incidentNumber} in workspace '${workspace}'.`);
  }
  try {
    return { ok: true, incident: normaliseIncident(body) };
  } catch (err) {
    if (err instanceof IncidentValidationError) {
      return { ok: false, status: 400, code: 'invalid_incident', message: err.message, details: err.details };
    }
    throw err;
  }
}

function notFound(message: string): IncidentResolution<Incident> {
  return { ok: false, status: 400, code: 'incident_not_found', message };
}

/** The incident as an ARM object with its alerts and entities (what a relay body carries), or undefined. */
async function fetchIncident(incidentId: string): Promise<unknown> {
  const ref = incidentRef(incidentId);
  let incident: Record<string, unknown>;
  try {
    const sdkIncident = await callAzureSdk('Sentinel', () =>
      sentinelClient(ref.subscriptionId).incidents.get(ref.resourceGroup, ref.workspaceName, ref.incidentId),
    );
    incident = JSON.parse(JSON.stringify(sdkIncident)) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof RemoteApiError && err.status === 404) return undefined;
    throw err;
  }
  const envelope = { instanceId: 'manual-run', stepKey: 'lookup', dryRun: false };
  const { alerts } = (await executeAction(listAlerts, { ...envelope, input: { incidentId } }, () => undefined)) as { alerts: unknown[] };
  const { entities } = (await executeAction(listEntities, { ...envelope, input: { incidentId } }, () => undefined)) as { entities: unknown[] };
  const { id, name, etag, type: _type, systemData: _systemData, ...properties } = incident;
  return { id, name, etag, properties: { ...properties, alerts, relatedEntities: entities } };
}

/** Finds an incident of the configured workspace by its number. */
async function findIncidentId(incidentNumber: number): Promise<string | undefined> {
  const subscriptionId = requiredSetting('SENTINEL_SUBSCRIPTION_ID');
  const resourceGroup = requiredSetting('SENTINEL_RESOURCE_GROUP');
  const workspace = requiredSetting('SENTINEL_WORKSPACE_NAME');
  return callAzureSdk('Sentinel', async () => {
    const pages = sentinelClient(subscriptionId).incidents.list(resourceGroup, workspace, {
      filter: `properties/incidentNumber eq ${incidentNumber}`,
    });
    for await (const incident of pages) if (incident.incidentNumber === incidentNumber) return incident.id;
    return undefined;
  });
}

/** The SDK's pending approval (custom status `approval`) answered with its external event. */
function approvalEvent(run: InstanceJson, decision: 'approve' | 'reject', approver: string): ReturnType<OperationsOptions<Incident>['approvalEvent']> {
  const status = run.customStatus as { approval?: { id?: unknown; status?: unknown; approvers?: unknown } } | undefined;
  const approval = status?.approval;
  if (!approval || approval.status !== 'pending' || typeof approval.id !== 'string') {
    return { ok: false, message: `Run '${run.instanceId}' is not waiting for an approval.` };
  }
  const approvers = Array.isArray(approval.approvers) ? approval.approvers.filter((a): a is string => typeof a === 'string') : [];
  if (approvers.length > 0 && !approvers.some((a) => a.toLowerCase() === approver.toLowerCase())) {
    return { ok: false, message: `'${approver}' is not an approver of this request (approvers: ${approvers.join(', ')}).` };
  }
  return { ok: true, name: approval.id, data: { decision: decision === 'approve' ? 'approved' : 'rejected', by: approver, at: new Date().toISOString() } };
}
