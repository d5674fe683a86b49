// Microsoft Sentinel (ARM): the SecurityInsights SDK client, and the workspace an incident lives in.

import type { SecurityInsights } from '@azure/arm-securityinsight';
import { securityInsightsSdk } from './sdks.js';
import { azureRetryOptions } from './azureSdk.js';
import { azureCredential } from './credential.js';
import { ValidationError } from './errors.js';
import { baseUrlSetting, clientCache, requiredSetting } from './settings.js';

/** Stable api-version for incidents, comments, entities and alerts (the SDK's default is a 2022 preview). */
const SENTINEL_API_VERSION = '2024-09-01';
export const ARM_SCOPE = 'https://management.azure.com/.default';

export interface IncidentRef {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  incidentId: string;
}

const INCIDENT_ARM_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.OperationalInsights\/workspaces\/([^/]+)\/providers\/Microsoft\.SecurityInsights\/incidents\/([^/]+)$/i;

/** An incident by its name (GUID) in the configured workspace, or by its full ARM id in any workspace. */
export function incidentRef(incident: string): IncidentRef {
  if (incident.startsWith('/')) {
    const match = INCIDENT_ARM_ID.exec(incident);
    if (!match) throw new ValidationError('incident reference', [{ path: 'incidentId', message: 'not an incident ARM id' }]);
    return { subscriptionId: match[1]!, resourceGroup: match[2]!, workspaceName: match[3]!, incidentId: match[4]! };
  }
  return {
    subscriptionId: requiredSetting('SENTINEL_SUBSCRIPTION_ID'),
    resourceGroup: requiredSetting('SENTINEL_RESOURCE_GROUP'),
    workspaceName: requiredSetting('SENTINEL_WORKSPACE_NAME'),
    incidentId: incident,
  };
}

function armEndpoint(): string {
  return baseUrlSetting('ARM_ENDPOINT', 'https://management.azure.com');
}

/** The incident's ARM URL below the ARM endpoint, e.g. for sub-resources the SDK does not cover. */
export function incidentUrl(ref: IncidentRef): string {
  const e = encodeURIComponent;
  return (
    `${armEndpoint()}/subscriptions/${e(ref.subscriptionId)}/resourceGroups/${e(ref.resourceGroup)}` +
    `/providers/Microsoft.OperationalInsights/workspaces/${e(ref.workspaceName)}` +
    `/providers/Microsoft.SecurityInsights/incidents/${e(ref.incidentId)}`
  );
}

const clients = clientCache<SecurityInsights>();

export function sentinelClient(subscriptionId: string): SecurityInsights {
  const credential = azureCredential();
  const endpoint = armEndpoint();
  return clients(`${endpoint}|${subscriptionId}|${credential.key}`, () =>
    new (securityInsightsSdk().SecurityInsights)(credential, subscriptionId, {
      endpoint,
      // Without this the scope would default to `${endpoint}/.default`, wrong for any non-Azure endpoint.
      credentialScopes: [ARM_SCOPE],
      apiVersion: SENTINEL_API_VERSION,
      retryOptions: azureRetryOptions(),
    }),
  );
}
