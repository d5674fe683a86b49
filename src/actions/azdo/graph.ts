// Azure DevOps Graph (vssps) lookups shared by the administrator actions: a scope's groups, and a group's users with
// their e-mail addresses.

import { z } from 'zod';
import { callAzdo } from '../../clients/azdo.js';
import { PREVIEW_API_VERSION } from './common.js';

export interface GraphGroup {
  descriptor: string;
  displayName: string;
  /** vstfs:///Classification/TeamProject/{projectId} for a project's groups, vstfs:///Framework/IdentityDomain/{orgId} for the organisation's. */
  domain: string;
}

interface GraphUser {
  descriptor: string;
  displayName: string;
  principalName: string;
  mailAddress: string;
}

const administratorSchema = z.object({ displayName: z.string(), principalName: z.string(), mailAddress: z.string() });
type Administrator = z.infer<typeof administratorSchema>;

/** The output of the administrator actions: the users, and their distinct non-empty e-mail addresses. */
export const administratorsOutput = z.object({ administrators: z.array(administratorSchema), emails: z.array(z.string()) });

/** The groups of a scope (a project's scope descriptor), or of the whole organisation without one. */
export async function listGroups(signal: AbortSignal, scopeDescriptor?: string): Promise<GraphGroup[]> {
  const { body } = await callAzdo<{ value: GraphGroup[] }>({
    service: 'vssps',
    method: 'GET',
    path: '/_apis/graph/groups',
    query: { scopeDescriptor },
    apiVersion: PREVIEW_API_VERSION,
    signal,
  });
  return body.value;
}

/** The group's direct user members with their addresses; none when there is no such group. */
export async function administratorsOf(group: GraphGroup | undefined, signal: AbortSignal): Promise<z.infer<typeof administratorsOutput>> {
  if (group === undefined) return { administrators: [], emails: [] };
  const { body: memberships } = await callAzdo<{ value: Array<{ memberDescriptor: string }> }>({
    service: 'vssps',
    method: 'GET',
    path: `/_apis/graph/memberships/${encodeURIComponent(group.descriptor)}`,
    query: { direction: 'down' },
    apiVersion: PREVIEW_API_VERSION,
    signal,
  });
  const administrators: Administrator[] = [];
  // Direct user members only: nested groups and service principals (descriptors not starting 'aad.'/'msa.') are not
  // expanded, and have no mailbox of their own.
  for (const { memberDescriptor } of memberships.value.filter((m) => /^(aad|msa)\./.test(m.memberDescriptor))) {
    const { body: user } = await callAzdo<GraphUser>({
      service: 'vssps',
      method: 'GET',
      path: `/_apis/graph/users/${encodeURIComponent(memberDescriptor)}`,
      apiVersion: PREVIEW_API_VERSION,
      signal,
    });
    administrators.push({ displayName: user.displayName, principalName: user.principalName, mailAddress: user.mailAddress });
  }
  const emails = [...new Set(administrators.map((a) => a.mailAddress).filter((m) => m !== ''))];
  return { administrators, emails };
}
