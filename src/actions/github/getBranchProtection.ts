import { z } from 'zod';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, READ_RETRY, githubAppPermission } from '../policies.js';
import { baselineProtection, protectionUpdate, readProtection } from './protection.js';
import { branchName, repositoryInput } from './repository.js';

/**
 * A read whose result the run's history keeps: a playbook decides from it what protectBranch changed, which stays
 * right on replay even when protectBranch ran again after a crash and found its own change.
 */
export const getBranchProtection = defineAction({
  name: 'github.getBranchProtection',
  title: 'Get branch protection',
  description: 'Reads whether a GitHub branch is protected and whether its protection already meets the baseline protectBranch puts.',
  input: z.object({
    ...repositoryInput,
    branch: branchName,
    requiredApprovingReviewCount: z.number().int().min(1).max(6).optional().describe('the baseline approval count, default 1'),
  }),
  output: z.object({ protected: z.boolean(), meetsBaseline: z.boolean(), requiredApprovingReviewCount: z.number().int() }),
  permissions: [githubAppPermission('administration:read')],
  retry: READ_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: false,
  async run(input, ctx) {
    const current = await readProtection({ owner: input.owner, repo: input.repo, branch: input.branch, request: { signal: ctx.signal } });
    const { approvals, meetsBaseline } = baselineProtection(protectionUpdate(current), input.requiredApprovingReviewCount);
    return { protected: current !== null, meetsBaseline, requiredApprovingReviewCount: approvals };
  },
});
