import { z } from 'zod';
import { callAzureSdk } from '../../clients/azureSdk.js';
import { requiredSetting } from '../../clients/settings.js';
import { sentinelClient } from '../../clients/sentinel.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, READ_RETRY, azureRole } from '../policies.js';
import { STATUSES, incidentSummarySchema, summarise, type IncidentSummary } from './incident.js';

export const listIncidents = defineAction({
  name: 'sentinel.listIncidents',
  title: 'List recent incidents',
  description: 'Lists the incidents of the configured workspace created since a time, newest first (used by the reconciler).',
  input: z.object({
    createdAfter: z.iso.datetime({ offset: true }),
    statuses: z.array(z.enum(STATUSES)).min(1).optional(),
    top: z.number().int().min(1).max(1000).optional().describe('default 200'),
  }),
  output: z.object({ incidents: z.array(incidentSummarySchema) }),
  permissions: [azureRole('Sentinel', 'Microsoft Sentinel Reader')],
  retry: READ_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: false,
  async run(input, ctx) {
    const top = input.top ?? 200;
    const subscriptionId = requiredSetting('SENTINEL_SUBSCRIPTION_ID');
    const resourceGroup = requiredSetting('SENTINEL_RESOURCE_GROUP');
    const workspace = requiredSetting('SENTINEL_WORKSPACE_NAME');
    const pages = sentinelClient(subscriptionId).incidents.list(resourceGroup, workspace, {
      filter: `properties/createdTimeUtc ge ${new Date(input.createdAfter).toISOString()}`,
      orderby: 'properties/createdTimeUtc desc',
      top: Math.min(top, 200),
      abortSignal: ctx.signal,
    });
    const incidents: IncidentSummary[] = [];
    await callAzureSdk('Sentinel', async () => {
      for await (const incident of pages) {
        // Statuses are filtered here: one simple $filter clause is what every API version supports alike.
        if (input.statuses && !input.statuses.includes(incident.status as IncidentSummary['status'])) continue;
        incidents.push(summarise(incident));
        if (incidents.length >= top) break;
      }
    });
    return { incidents };
  },
});
