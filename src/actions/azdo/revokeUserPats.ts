import { z } from 'zod';
import { callAzdo } from '../../clients/azdo.js';
import { ValidationError } from '../../clients/errors.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, azdoPermission } from '../policies.js';
import { API_VERSION } from './common.js';

interface Identity {
  subjectDescriptor?: string;
}

interface SessionToken {
  authorizationId: string;
  isValid: boolean;
}

/** The user's Graph subject descriptor, which the token-admin API lists PATs by. */
async function subjectDescriptor(user: string, signal: AbortSignal): Promise<string> {
  const { body } = await callAzdo<{ value: Identity[] }>({
    service: 'vssps',
    method: 'GET',
    path: '/_apis/identities',
    query: { searchFilter: 'General', filterValue: user, queryMembership: 'None' },
    apiVersion: API_VERSION,
    signal,
  });
  const descriptor = body.value.find((i) => i.subjectDescriptor)?.subjectDescriptor;
  if (descriptor === undefined) throw new ValidationError('user', [{ path: 'user', message: `no Azure DevOps identity for '${user}'` }]);
  return descriptor;
}

export const revokeUserPats = defineAction({
  name: 'azdo.revokeUserPats',
  title: "Revoke a user's personal access tokens",
  description: 'Revokes every valid Azure DevOps personal access token of a user (the app must be a token administrator).',
  input: z.object({ user: z.string().min(3).max(256).describe('user principal name, e.g. dave@contoso.com') }),
  output: z.object({ user: z.string(), revokedAuthorizationIds: z.array(z.string()) }),
  permissions: [azdoPermission('vso.tokenadministration'), azdoPermission('vso.identity')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  async run(input, ctx) {
    const descriptor = await subjectDescriptor(input.user, ctx.signal);
    const valid: string[] = [];
    let continuationToken: string | undefined;
    do {
      const { body } = await callAzdo<{ value: SessionToken[]; continuationToken?: string | null }>({
        service: 'vssps',
        method: 'GET',
        path: `/_apis/tokenadmin/personalaccesstokens/${encodeURIComponent(descriptor)}`,
        query: { pageSize: 100, continuationToken, isPublic: false },
        apiVersion: API_VERSION,
        signal: ctx.signal,
      });
      for (const token of body.value) if (token.isValid) valid.push(token.authorizationId);
      continuationToken = body.continuationToken || undefined;
    } while (continuationToken !== undefined);
    // A replay finds nothing valid left and revokes nothing.
    if (valid.length > 0) {
      await callAzdo({
        service: 'vssps',
        method: 'POST',
        path: '/_apis/tokenadmin/revocations',
        apiVersion: API_VERSION,
        body: valid.map((authorizationId) => ({ authorizationId })),
        signal: ctx.signal,
      });
    }
    return { user: input.user, revokedAuthorizationIds: valid };
  },
});
