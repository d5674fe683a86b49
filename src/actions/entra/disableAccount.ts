import { z } from 'zod';
import { callGraph } from '../../clients/graph.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, graphAppRole } from '../policies.js';
import { userInput } from './user.js';

export const disableAccount = defineAction({
  name: 'entra.disableAccount',
  title: 'Disable account',
  description: 'Blocks sign-in for an Entra ID user (accountEnabled false). Privileged users also need an admin role.',
  input: z.object({ user: userInput }),
  output: z.object({ user: z.string(), accountEnabled: z.literal(false) }),
  permissions: [graphAppRole('User.EnableDisableAccount.All'), graphAppRole('User.Read.All')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  async run(input, ctx) {
    await callGraph('PATCH', `/users/${encodeURIComponent(input.user)}`, { body: { accountEnabled: false }, signal: ctx.signal });
    return { user: input.user, accountEnabled: false as const };
  },
});
