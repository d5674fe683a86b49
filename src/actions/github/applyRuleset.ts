import { z } from 'zod';
import { callGitHub, githubClient } from '../../clients/github.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, githubAppPermission } from '../policies.js';
import { repositoryInput } from './repository.js';

const RULE_TYPES = ['creation', 'update', 'deletion', 'required_linear_history', 'required_signatures', 'non_fast_forward'] as const;

export const applyRuleset = defineAction({
  name: 'github.applyRuleset',
  title: 'Apply repository ruleset',
  description:
    'Creates a repository ruleset (by default one that locks the default branch: no updates, deletions or force ' +
    'pushes). A ruleset with the same name is left as it is, so a replay creates nothing twice.',
  input: z.object({
    ...repositoryInput,
    name: z.string().min(1).max(100).optional().describe("default 'soar-lockdown'"),
    enforcement: z.enum(['active', 'evaluate', 'disabled']).optional().describe("default 'active'"),
    include: z.array(z.string().min(1)).min(1).optional().describe("ref patterns, default ['~DEFAULT_BRANCH']"),
    rules: z.array(z.enum(RULE_TYPES)).min(1).optional().describe('default update, deletion, non_fast_forward'),
  }),
  output: z.object({ rulesetId: z.number().int(), created: z.boolean() }),
  permissions: [githubAppPermission('administration:write')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  async run(input, ctx) {
    const octokit = githubClient();
    const repo = { owner: input.owner, repo: input.repo, request: { signal: ctx.signal } };
    const existing = await callGitHub(() => octokit.paginate(octokit.rest.repos.getRepoRulesets, { ...repo, per_page: 100 }));
    const name = input.name ?? 'soar-lockdown';
    const same = existing.find((r) => r.name === name);
    if (same) return { rulesetId: same.id, created: false };
    const { data } = await callGitHub(() =>
      octokit.rest.repos.createRepoRuleset({
        ...repo,
        name,
        target: 'branch',
        enforcement: input.enforcement ?? 'active',
        conditions: { ref_name: { include: input.include ?? ['~DEFAULT_BRANCH'], exclude: [] } },
        rules: (input.rules ?? ['update', 'deletion', 'non_fast_forward']).map((type) => ({ type })),
      }),
    );
    return { rulesetId: data.id, created: true };
  },
});
