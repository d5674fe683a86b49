import { z } from 'zod';
import { callGraph } from '../../clients/graph.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, graphAppRole } from '../policies.js';
import { userInput } from './user.js';

export const revokeSignInSessions = defineAction({
  name: 'entra.revokeSignInSessions',
  title: 'Revoke sign-in sessions',
  description: "Invalidates every refresh token and session cookie of an Entra ID user, forcing them to sign in again.",
  input: z.object({ user: userInput }),
  output: z.object({ user: z.string(), revoked: z.literal(true) }),
  permissions: [graphAppRole('User.RevokeSessions.All')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  async run(input, ctx) {
    // Documented as 200 {value:true}, observed as 204: any 2xx is success.
    await callGraph('POST', `/users/${encodeURIComponent(input.user)}/revokeSignInSessions`, { signal: ctx.signal });
    return { user: input.user, revoked: true as const };
  },
});
