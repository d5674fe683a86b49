import { z } from 'zod';
import { callGitHub, githubClient } from '../../clients/github.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, githubAppPermission } from '../policies.js';
import { protectionUpdate, readProtection } from './protection.js';
import { branchName, repositoryInput } from './repository.js';

export const lockBranch = defineAction({
  name: 'github.lockBranch',
  title: 'Lock branch',
  description:
    'Makes a GitHub branch read-only (branch protection lock_branch), keeping every other protection setting it already has.',
  input: z.object({ ...repositoryInput, branch: branchName }),
  output: z.object({ branch: z.string(), locked: z.literal(true), changed: z.boolean() }),
  permissions: [githubAppPermission('administration:write')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  async run(input, ctx) {
    const octokit = githubClient();
    const target = { ...input, request: { signal: ctx.signal } };
    const current = await readProtection(target);
    if (current?.lock_branch?.enabled === true) return { branch: input.branch, locked: true as const, changed: false };
    await callGitHub(() => octokit.rest.repos.updateBranchProtection({ ...target, ...protectionUpdate(current), lock_branch: true }));
    return { branch: input.branch, locked: true as const, changed: true };
  },
});
