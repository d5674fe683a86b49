import { z } from 'zod';
import { callAzureSdk } from '../../clients/azureSdk.js';
import { incidentRef, sentinelClient } from '../../clients/sentinel.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, READ_RETRY, azureRole, toJson } from '../policies.js';
import { incidentInput } from './incident.js';

const alertSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** alertDisplayName, severity, status, productName, tactics, additionalData (custom details), ... */
  properties: z.record(z.string(), z.unknown()),
});

export const listAlerts = defineAction({
  name: 'sentinel.listAlerts',
  title: 'List incident alerts',
  description: 'Lists the alerts of a Sentinel incident, with their custom details (additionalData).',
  input: z.object({ incidentId: incidentInput }),
  output: z.object({ alerts: z.array(alertSchema) }),
  permissions: [azureRole('Sentinel', 'Microsoft Sentinel Reader')],
  retry: READ_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: false,
  async run(input, ctx) {
    const ref = incidentRef(input.incidentId);
    const response = await callAzureSdk('Sentinel', () =>
      sentinelClient(ref.subscriptionId).incidents.listAlerts(ref.resourceGroup, ref.workspaceName, ref.incidentId, { abortSignal: ctx.signal }),
    );
    const alerts = response.value.map((alert) => {
      const { id, name, kind: _kind, type: _type, systemData: _systemData, ...properties } = toJson(alert) as Record<string, unknown>;
      return { id: String(id ?? ''), name: String(name ?? ''), properties };
    });
    return { alerts };
  },
});
