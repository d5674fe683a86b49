import { z } from 'zod';
import { callAzdo } from '../../clients/azdo.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, READ_RETRY, azdoPermission } from '../policies.js';
import { API_VERSION, PREVIEW_API_VERSION, projectInput } from './common.js';

interface GraphGroup {
  descriptor: string;
  displayName: string;
}
interface GraphUser {
  descriptor: string;
  displayName: string;
  principalName: string;
  mailAddress: string;
}

const administratorSchema = z.object({ displayName: z.string(), principalName: z.string(), mailAddress: z.string() });

export const getProjectAdministrators = defineAction({
  name: 'azdo.getProjectAdministrators',
  title: 'Get project administrators',
  description: "Lists the users in an Azure DevOps project's Project Administrators group, with their e-mail addresses.",
  input: z.object({ project: projectInput }),
  output: z.object({ administrators: z.array(administratorSchema), emails: z.array(z.string()) }),
  permissions: [azdoPermission('vso.project'), azdoPermission('vso.graph')],
  retry: READ_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: false,
  async run(input, ctx) {
    const signal = ctx.signal;
    const { body: project } = await callAzdo<{ id: string }>({
      service: 'dev',
      method: 'GET',
      path: `/_apis/projects/${encodeURIComponent(input.project)}`,
      apiVersion: API_VERSION,
      signal,
    });
    const { body: scope } = await callAzdo<{ value: string }>({
      service: 'vssps',
      method: 'GET',
      path: `/_apis/graph/descriptors/${encodeURIComponent(project.id)}`,
      apiVersion: PREVIEW_API_VERSION,
      signal,
    });
    const { body: groups } = await callAzdo<{ value: GraphGroup[] }>({
      service: 'vssps',
      method: 'GET',
      path: '/_apis/graph/groups',
      query: { scopeDescriptor: scope.value },
      apiVersion: PREVIEW_API_VERSION,
      signal,
    });
    const admins = groups.value.find((g) => g.displayName === 'Project Administrators');
    if (admins === undefined) return { administrators: [], emails: [] };
    const { body: memberships } = await callAzdo<{ value: Array<{ memberDescriptor: string }> }>({
      service: 'vssps',
      method: 'GET',
      path: `/_apis/graph/memberships/${encodeURIComponent(admins.descriptor)}`,
      query: { direction: 'down' },
      apiVersion: PREVIEW_API_VERSION,
      signal,
    });
    const administrators: z.infer<typeof administratorSchema>[] = [];
    // Direct user members only: nested groups (descriptors not starting 'aad.'/'msa.') are not expanded.
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
  },
});
