import { z } from 'zod';
import { callGitHub, githubClient } from '../../clients/github.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, githubAppPermission } from '../policies.js';
import { baselineProtection, protectionUpdate, readProtection } from './protection.js';
import { branchName, repositoryInput } from './repository.js';

export const protectBranch = defineAction({
  name: 'github.protectBranch',
  title: 'Protect branch',
  description:
    'Puts a baseline protection on a GitHub branch: changes through pull requests with the required number of approving ' +
    'reviews (stale approvals dismissed), enforced for administrators too, no force pushes and no deletion. A protection ' +
    'the branch still has is kept (status checks, restrictions, a lock) and only raised to the baseline.',
  input: z.object({
    ...repositoryInput,
    branch: branchName,
    requiredApprovingReviewCount: z.number().int().min(1).max(6).optional().describe('default 1; a higher existing count is kept'),
  }),
  output: z.object({ branch: z.string(), requiredApprovingReviewCount: z.number().int(), changed: z.boolean() }),
  permissions: [githubAppPermission('administration:write')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  async run(input, ctx) {
    const target = { owner: input.owner, repo: input.repo, branch: input.branch, request: { signal: ctx.signal } };
    const { approvals, wanted, meetsBaseline } = baselineProtection(protectionUpdate(await readProtection(target)), input.requiredApprovingReviewCount);
    if (meetsBaseline) return { branch: input.branch, requiredApprovingReviewCount: approvals, changed: false };
    await callGitHub(() => githubClient().rest.repos.updateBranchProtection({ ...target, ...wanted }));
    return { branch: input.branch, requiredApprovingReviewCount: approvals, changed: true };
  },
});
