import { z } from 'zod';
import { incidentRef, sentinelClient } from '../../clients/sentinel.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, READ_RETRY, azureRole } from '../policies.js';
import { incidentInput } from './incident.js';
import { sentinelWireJson } from './wireJson.js';

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
    const body = await sentinelWireJson(
      (options) => sentinelClient(ref.subscriptionId).incidents.listAlerts(ref.resourceGroup, ref.workspaceName, ref.incidentId, options),
      ctx.signal,
    );
    return { alerts: wireAlerts.parse(body).value.map(({ id, name, properties }) => ({ id, name, properties })) };
  },
});
