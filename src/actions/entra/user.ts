// Entra ID users as the entra actions take and return them.

import { z } from 'zod';
import { callGraph } from '../../clients/graph.js';

export const userInput = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^/?#\\]+$/, 'must be an object id or a user principal name')
  .describe('user object id or user principal name');

export const USER_SELECT = 'id,displayName,userPrincipalName,mail,accountEnabled';

export const userSchema = z.object({
  id: z.string(),
  displayName: z.string().nullable(),
  userPrincipalName: z.string(),
  mail: z.string().nullable(),
  accountEnabled: z.boolean().nullable(),
});
export type EntraUser = z.infer<typeof userSchema>;

interface GraphUser {
  id: string;
  displayName?: string | null;
  userPrincipalName: string;
  mail?: string | null;
  accountEnabled?: boolean | null;
}

export function toUser(user: GraphUser): EntraUser {
  return {
    id: user.id,
    displayName: user.displayName ?? null,
    userPrincipalName: user.userPrincipalName,
    mail: user.mail ?? null,
    accountEnabled: user.accountEnabled ?? null,
  };
}

export async function fetchUser(user: string, signal: AbortSignal): Promise<EntraUser> {
  const response = await callGraph<GraphUser>('GET', `/users/${encodeURIComponent(user)}?$select=${USER_SELECT}`, { signal });
  return toUser(response.body);
}
