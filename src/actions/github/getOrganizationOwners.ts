import { z } from 'zod';
import { callGitHub, githubClient } from '../../clients/github.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, READ_RETRY, githubAppPermission } from '../policies.js';
import { ownerName } from './repository.js';

export const getOrganizationOwners = defineAction({
  name: 'github.getOrganizationOwners',
  title: 'Get organization owners',
  description: 'Lists the owners of a GitHub organization, with public e-mail addresses where visible.',
  input: z.object({ org: ownerName }),
  output: z.object({
    owners: z.array(z.object({ login: z.string(), email: z.string().nullable() })),
    emails: z.array(z.string()),
  }),
  permissions: [githubAppPermission('members:read')],
  retry: READ_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: false,
  async run(input, ctx) {
    const octokit = githubClient();
    const request = { signal: ctx.signal };
    const members = await callGitHub(() =>
      octokit.paginate(octokit.rest.orgs.listMembers, { org: input.org, role: 'admin', per_page: 100, request }),
    );
    const owners = await Promise.all(
      members.map(async (member) => {
        const { data } = await callGitHub(() => octokit.rest.users.getByUsername({ username: member.login, request }));
        return { login: member.login, email: data.email ?? null };
      }),
    );
    return { owners, emails: [...new Set(owners.flatMap((o) => (o.email ? [o.email] : [])))] };
  },
});
