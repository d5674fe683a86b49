import { z } from 'zod';
import { callAzureSdk } from '../../clients/azureSdk.js';
import { incidentRef, sentinelClient } from '../../clients/sentinel.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, READ_RETRY, azureRole } from '../policies.js';
import { incidentInput } from './incident.js';

const alertSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** alertDisplayName, severity, status, productName, tactics, additionalData (custom details), ... */
  properties: z.record(z.string(), z.unknown()),
});

const wireAlerts = z.object({ value: z.array(alertSchema) });

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
    // The SDK's deserializer mangles string values in additionalData (custom details): keep the wire JSON.
    let body: unknown;
    await callAzureSdk('Sentinel', () =>
      sentinelClient(ref.subscriptionId).incidents.listAlerts(ref.resourceGroup, ref.workspaceName, ref.incidentId, {
        abortSignal: ctx.signal,
        onResponse: (raw) => {
          body = raw.bodyAsText ? JSON.parse(raw.bodyAsText) : undefined;
        },
      }),
    );
    return { alerts: wireAlerts.parse(body).value.map(({ id, name, properties }) => ({ id, name, properties })) };
  },
});
