import { z } from 'zod';
import { callGraph } from '../../clients/graph.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, graphAppRole } from '../policies.js';
import { fetchUser, userInput } from './user.js';

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const confirmCompromised = defineAction({
  name: 'entra.confirmCompromised',
  title: 'Confirm user compromised',
  description: 'Marks an Entra ID user as compromised in Identity Protection (risk high), which triggers risk-based policies. Needs Entra ID P2.',
  input: z.object({ user: userInput }),
  output: z.object({ userId: z.string() }),
  permissions: [graphAppRole('IdentityRiskyUser.ReadWrite.All'), graphAppRole('User.Read.All')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  async run(input, ctx) {
    // The API takes object ids only.
    const userId = OBJECT_ID.test(input.user) ? input.user : (await fetchUser(input.user, ctx.signal)).id;
    await callGraph('POST', '/identityProtection/riskyUsers/confirmCompromised', { body: { userIds: [userId] }, signal: ctx.signal });
    return { userId };
  },
});
