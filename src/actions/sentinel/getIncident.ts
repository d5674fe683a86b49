import { z } from 'zod';
import { callAzureSdk } from '../../clients/azureSdk.js';
import { incidentRef, sentinelClient } from '../../clients/sentinel.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, READ_RETRY, azureRole } from '../policies.js';
import { incidentInput, incidentSummarySchema, summarise } from './incident.js';

export const getIncident = defineAction({
  name: 'sentinel.getIncident',
  title: 'Get incident',
  description: 'Reads a Microsoft Sentinel incident, with its current etag (the trigger payload may be stale).',
  input: z.object({ incidentId: incidentInput }),
  output: incidentSummarySchema,
  permissions: [azureRole('Sentinel', 'Microsoft Sentinel Reader')],
  retry: READ_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: false,
  async run(input, ctx) {
    const ref = incidentRef(input.incidentId);
    const incident = await callAzureSdk('Sentinel', () =>
      sentinelClient(ref.subscriptionId).incidents.get(ref.resourceGroup, ref.workspaceName, ref.incidentId, { abortSignal: ctx.signal }),
    );
    return summarise(incident);
  },
});
