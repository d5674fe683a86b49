import { z } from 'zod';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, READ_RETRY, graphAppRole } from '../policies.js';
import { fetchUser, userInput, userSchema } from './user.js';

export const getUser = defineAction({
  name: 'entra.getUser',
  title: 'Get user',
  description: 'Reads an Entra ID user by object id or user principal name (id, name, mail, whether the account is enabled).',
  input: z.object({ user: userInput }),
  output: userSchema,
  permissions: [graphAppRole('User.Read.All')],
  retry: READ_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: false,
  run: (input, ctx) => fetchUser(input.user, ctx.signal),
});
