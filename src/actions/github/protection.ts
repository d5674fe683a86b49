// Branch protection as the GitHub actions read and write it: the GET and PUT shapes differ, so an action that
// changes one setting must rebuild the whole PUT body from what it read.

import { isDeepStrictEqual } from 'node:util';
import type { RestEndpointMethodTypes } from '@octokit/rest';
import { RemoteApiError } from '../../clients/errors.js';
import { callGitHub, githubClient } from '../../clients/github.js';

type Protection = RestEndpointMethodTypes['repos']['getBranchProtection']['response']['data'];
export type ProtectionUpdate = Pick<
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
export function protectionUpdate(current: Protection | null): ProtectionUpdate {
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

/** The branch's protection, or null when it has none ("Branch not protected"); a missing branch or repository throws. */
export async function readProtection(target: { owner: string; repo: string; branch: string; request: { signal: AbortSignal } }): Promise<Protection | null> {
  try {
    return (await callGitHub(() => githubClient().rest.repos.getBranchProtection(target))).data;
  } catch (error) {
    // "Branch not protected" is a 404 too; a missing branch or repository is not.
    if (error instanceof RemoteApiError && error.status === 404 && /Branch not protected/i.test(error.message)) return null;
    throw error;
  }
}

/**
 * The protection raised to the baseline (pull requests with `requested` approving reviews, default 1, stale approvals
 * dismissed, enforced for administrators, no force pushes or deletion); every other setting it has is kept, and a
 * higher approval count too.
 */
export function baselineProtection(current: ProtectionUpdate, requested = 1): { approvals: number; wanted: ProtectionUpdate; meetsBaseline: boolean } {
  const approvals = Math.max(current.required_pull_request_reviews?.required_approving_review_count ?? 0, requested);
  const wanted: ProtectionUpdate = {
    ...current,
    enforce_admins: true,
    required_pull_request_reviews: { ...current.required_pull_request_reviews, dismiss_stale_reviews: true, required_approving_review_count: approvals },
    allow_force_pushes: false,
    allow_deletions: false,
  };
  return { approvals, wanted, meetsBaseline: isDeepStrictEqual(current, wanted) };
}
