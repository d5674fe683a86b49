import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { callGitHub, githubClient } from '../../clients/github.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, githubAppPermission } from '../policies.js';
import { protectionUpdate, readProtection, type ProtectionUpdate } from './protection.js';
import { branchName, repositoryInput } from './repository.js';

/** The protection raised to the baseline with `approvals` required reviews; every other setting it has is kept. */
function withBaseline(update: ProtectionUpdate, approvals: number): ProtectionUpdate {
  return {
    ...update,
    enforce_admins: true,
    required_pull_request_reviews: { ...update.required_pull_request_reviews, dismiss_stale_reviews: true, required_approving_review_count: approvals },
    allow_force_pushes: false,
    allow_deletions: false,
  };
}

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
    const current = protectionUpdate(await readProtection(target));
    // A branch that already requires more approvals keeps its count.
    const approvals = Math.max(current.required_pull_request_reviews?.required_approving_review_count ?? 0, input.requiredApprovingReviewCount ?? 1);
    const wanted = withBaseline(current, approvals);
    if (isDeepStrictEqual(current, wanted)) return { branch: input.branch, requiredApprovingReviewCount: approvals, changed: false };
    await callGitHub(() => githubClient().rest.repos.updateBranchProtection({ ...target, ...wanted }));
    return { branch: input.branch, requiredApprovingReviewCount: approvals, changed: true };
  },
});
