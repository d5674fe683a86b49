import { z } from 'zod';
import { callApi } from '../../clients/http.js';
import { ARM_SCOPE, incidentRef, incidentUrl } from '../../clients/sentinel.js';
import { defineAction } from '../action.js';
import { deterministicUuid } from '../ids.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, azureRole } from '../policies.js';
import { incidentInput } from './incident.js';

/** Incident tasks are not in @azure/arm-securityinsight; the stable REST version that has them. */
const TASKS_API_VERSION = '2024-09-01';

export const addTask = defineAction({
  name: 'sentinel.addTask',
  title: 'Add incident task',
  description:
    'Adds a task (a to-do for the analyst) to a Sentinel incident. The task id derives from the run and step, so a ' +
    'replay rewrites the same task.',
  input: z.object({
    incidentId: incidentInput,
    title: z.string().min(1).max(150),
    description: z.string().max(3000).optional(),
    status: z.enum(['New', 'Completed']).optional().describe("default 'New'"),
  }),
  output: z.object({ taskId: z.string() }),
  permissions: [azureRole('Sentinel', 'Microsoft Sentinel Responder')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  async run(input, ctx) {
    const ref = incidentRef(input.incidentId);
    const taskId = deterministicUuid(ctx.instanceId, ctx.stepKey, 'sentinel.addTask');
    await callApi({
      api: 'Sentinel',
      method: 'PUT',
      url: `${incidentUrl(ref)}/tasks/${taskId}?api-version=${TASKS_API_VERSION}`,
      scope: ARM_SCOPE,
      body: { properties: { title: input.title, description: input.description, status: input.status ?? 'New' } },
      signal: ctx.signal,
    });
    return { taskId };
  },
});
