import { z } from 'zod';
import { callGitHub, githubClient } from '../../clients/github.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, githubAppPermission } from '../policies.js';
import { repositoryInput } from './repository.js';

export const setRepositoryVisibility = defineAction({
  name: 'github.setRepositoryVisibility',
  title: 'Set repository visibility',
  description: 'Makes a GitHub repository private or public.',
  input: z.object({ ...repositoryInput, visibility: z.enum(['private', 'public']) }),
  output: z.object({ visibility: z.enum(['private', 'public', 'internal']), changed: z.boolean() }),
  permissions: [githubAppPermission('administration:write')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  async run(input, ctx) {
    const octokit = githubClient();
    const repo = { owner: input.owner, repo: input.repo, request: { signal: ctx.signal } };
    const { data } = await callGitHub(() => octokit.rest.repos.get(repo));
    if (data.visibility === input.visibility) return { visibility: input.visibility, changed: false };
    await callGitHub(() => octokit.rest.repos.update({ ...repo, visibility: input.visibility }));
    return { visibility: input.visibility, changed: true };
  },
});
