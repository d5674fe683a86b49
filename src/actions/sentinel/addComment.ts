import { z } from 'zod';
import { callAzureSdk } from '../../clients/azureSdk.js';
import { incidentRef, sentinelClient } from '../../clients/sentinel.js';
import { defineAction } from '../action.js';
import { deterministicUuid } from '../ids.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, azureRole } from '../policies.js';
import { incidentInput } from './incident.js';

export const addComment = defineAction({
  name: 'sentinel.addComment',
  title: 'Add incident comment',
  description:
    'Adds an HTML comment to a Sentinel incident. The HTML must already be built with html`` (every incident-derived ' +
    'text escaped). The comment id derives from the run and step, so a replay rewrites the same comment.',
  input: z.object({ incidentId: incidentInput, html: z.string().min(1).max(30_000) }),
  output: z.object({ commentId: z.string() }),
  permissions: [azureRole('Sentinel', 'Microsoft Sentinel Responder')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  async run(input, ctx) {
    const ref = incidentRef(input.incidentId);
    const commentId = deterministicUuid(ctx.instanceId, ctx.stepKey, 'sentinel.addComment');
    await callAzureSdk('Sentinel', () =>
      sentinelClient(ref.subscriptionId).incidentComments.createOrUpdate(
        ref.resourceGroup,
        ref.workspaceName,
        ref.incidentId,
        commentId,
        { message: input.html },
        { abortSignal: ctx.signal },
      ),
    );
    return { commentId };
  },
});
