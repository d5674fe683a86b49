import { z } from 'zod';
import { RemoteApiError } from '../../clients/errors.js';
import { callGraph } from '../../clients/graph.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, READ_RETRY, graphAppRole } from '../policies.js';
import { USER_SELECT, fetchUser, toUser, userInput, userSchema } from './user.js';

export const getManager = defineAction({
  name: 'entra.getManager',
  title: "Get user's manager",
  description: "Reads the manager of an Entra ID user; null when the user has none.",
  input: z.object({ user: userInput }),
  output: z.object({ manager: userSchema.nullable() }),
  permissions: [graphAppRole('User.Read.All')],
  retry: READ_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: false,
  async run(input, ctx) {
    try {
      const response = await callGraph<Parameters<typeof toUser>[0]>(
        'GET',
        `/users/${encodeURIComponent(input.user)}/manager?$select=${USER_SELECT}`,
        { signal: ctx.signal },
      );
      return { manager: toUser(response.body) };
    } catch (error) {
      if (!(error instanceof RemoteApiError && error.status === 404)) throw error;
      // Graph answers 404 both for "no manager" and "no such user": only the first is a result.
      await fetchUser(input.user, ctx.signal);
      return { manager: null };
    }
  },
});
