import { z } from 'zod';
import { callGitHub, githubClient } from '../../clients/github.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, READ_RETRY, githubAppPermission } from '../policies.js';
import { repositoryInput } from './repository.js';

/**
 * A read whose result the run's history keeps: a playbook that decides from it (lock only a public repository)
 * decides the same on replay, even when a write it made before a crash already changed the repository.
 */
export const getRepository = defineAction({
  name: 'github.getRepository',
  title: 'Get repository',
  description: 'Reads a GitHub repository: its visibility, default branch and whether it is archived.',
  input: z.object(repositoryInput),
  output: z.object({
    visibility: z.enum(['private', 'public', 'internal']),
    defaultBranch: z.string(),
    archived: z.boolean(),
  }),
  permissions: [githubAppPermission('metadata:read')],
  retry: READ_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: false,
  async run(input, ctx) {
    const octokit = githubClient();
    const { data } = await callGitHub(() => octokit.rest.repos.get({ ...input, request: { signal: ctx.signal } }));
    const visibility = data.visibility === 'internal' ? 'internal' : data.private ? 'private' : 'public';
    return { visibility, defaultBranch: data.default_branch, archived: data.archived };
  },
});
