import type { RestEndpointMethodTypes } from '@octokit/rest';
import { z } from 'zod';
import { RemoteApiError } from '../../clients/errors.js';
import { callGitHub, githubClient } from '../../clients/github.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, githubAppPermission } from '../policies.js';
import { branchName, repositoryInput } from './repository.js';

type Protection = RestEndpointMethodTypes['repos']['getBranchProtection']['response']['data'];
type ProtectionUpdate = Pick<
  RestEndpointMethodTypes['repos']['updateBranchProtection']['parameters'],
  | 'required_status_checks'
  | 'enforce_admins'
  | 'required_pull_request_reviews'
  | 'restrictions'
  | 'required_linear_history'
  | 'allow_force_pushes'
  | 'allow_deletions'
  | 'block_creations'
  | 'required_conversation_resolution'
  | 'lock_branch'
  | 'allow_fork_syncing'
>;

/** The PUT body that keeps an existing protection exactly as it is (GET and PUT shapes differ). */
function protectionUpdate(current: Protection | null): ProtectionUpdate {
  const checks = current?.required_status_checks;
  const reviews = current?.required_pull_request_reviews;
  const restrictions = current?.restrictions;
  const enabled = (flag: { enabled?: boolean } | undefined): boolean => flag?.enabled === true;
  return {
    required_status_checks: checks ? { strict: checks.strict ?? false, contexts: checks.contexts } : null,
    enforce_admins: enabled(current?.enforce_admins),
    required_pull_request_reviews: reviews
      ? {
          dismiss_stale_reviews: reviews.dismiss_stale_reviews ?? false,
          require_code_owner_reviews: reviews.require_code_owner_reviews ?? false,
          required_approving_review_count: reviews.required_approving_review_count ?? 1,
          require_last_push_approval: reviews.require_last_push_approval ?? false,
          ...(reviews.dismissal_restrictions && {
            dismissal_restrictions: {
              users: (reviews.dismissal_restrictions.users ?? []).map((u) => u.login),
              teams: (reviews.dismissal_restrictions.teams ?? []).map((t) => t.slug),
            },
          }),
        }
      : null,
    restrictions: restrictions
      ? {
          users: restrictions.users.flatMap((u) => (u.login ? [u.login] : [])),
          teams: restrictions.teams.flatMap((t) => (t.slug ? [t.slug] : [])),
          apps: (restrictions.apps ?? []).flatMap((a) => (a?.slug ? [a.slug] : [])),
        }
      : null,
    required_linear_history: enabled(current?.required_linear_history),
    allow_force_pushes: enabled(current?.allow_force_pushes),
    allow_deletions: enabled(current?.allow_deletions),
    block_creations: enabled(current?.block_creations),
    required_conversation_resolution: enabled(current?.required_conversation_resolution),
    lock_branch: enabled(current?.lock_branch),
    allow_fork_syncing: enabled(current?.allow_fork_syncing),
  };
}

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
    let current: Protection | null = null;
    try {
      current = (await callGitHub(() => octokit.rest.repos.getBranchProtection(target))).data;
    } catch (error) {
      // "Branch not protected" is a 404 too; a missing branch or repository is not.
      if (!(error instanceof RemoteApiError && error.status === 404 && /Branch not protected/i.test(error.message))) throw error;
    }
    if (current?.lock_branch?.enabled === true) return { branch: input.branch, locked: true as const, changed: false };
    await callGitHub(() => octokit.rest.repos.updateBranchProtection({ ...target, ...protectionUpdate(current), lock_branch: true }));
    return { branch: input.branch, locked: true as const, changed: true };
  },
});
