import { z } from 'zod';
import { callAzureSdk } from '../../clients/azureSdk.js';
import { requiredSetting } from '../../clients/settings.js';
import { sentinelClient } from '../../clients/sentinel.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, READ_RETRY, azureRole } from '../policies.js';
import { STATUSES, incidentSummarySchema, summarise, type IncidentSummary } from './incident.js';

/** Page size of the listing; the SDK follows nextLink from page to page. */
const PAGE_SIZE = 200;

export const listIncidents = defineAction({
  name: 'sentinel.listIncidents',
  title: 'List recent incidents',
  description:
    'Lists the incidents of the configured workspace created in a time window, oldest first, through every page up ' +
    'to `top` (used by the reconciler). Oldest first, so that an incident left out when more than `top` exist is ' +
    'listed before it leaves a sliding window.',
  input: z.object({
    createdAfter: z.iso.datetime({ offset: true }),
    createdBefore: z.iso.datetime({ offset: true }).optional().describe('only incidents created before this time'),
    statuses: z.array(z.enum(STATUSES)).min(1).optional(),
    top: z.number().int().min(1).max(1000).optional().describe('most incidents returned, default 200'),
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
    const after = new Date(input.createdAfter).toISOString();
    const before = input.createdBefore && new Date(input.createdBefore).toISOString();
    // The window is filtered by Sentinel, so that incidents outside it use up neither pages nor `top`.
    const pages = sentinelClient(subscriptionId).incidents.list(resourceGroup, workspace, {
      filter: `properties/createdTimeUtc ge ${after}${before ? ` and properties/createdTimeUtc lt ${before}` : ''}`,
      orderby: 'properties/createdTimeUtc asc',
      top: PAGE_SIZE,
      abortSignal: ctx.signal,
    });
    const incidents: IncidentSummary[] = [];
    await callAzureSdk('Sentinel', async () => {
      for await (const incident of pages) {
        // Statuses are filtered here; closed incidents of the window cost list pages only.
        if (input.statuses && !input.statuses.includes(incident.status as IncidentSummary['status'])) continue;
        if (incidents.length === top) {
          ctx.log(`Listed the first ${top} incidents created from ${after} to ${before ?? 'now'}; more exist and are not listed.`);
          break;
        }
        incidents.push(summarise(incident));
      }
    });
    return { incidents };
  },
});
