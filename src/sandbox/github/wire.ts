// World records → GitHub's REST wire shapes (snake_case, URLs relative to the emulator's base URL).

import type { BranchProtection, GitHubRepo, GitHubWorld, RepoPermission, Ruleset, SecretScanningAlert } from './world.js';

const WEB = 'https://github.com';

const nodeId = (kind: string, id: number): string => Buffer.from(`${kind}:${id}`).toString('base64');

export function simpleUser(world: GitHubWorld, base: string, login: string): Record<string, unknown> {
  const org = world.orgs.find((o) => o.login === login);
  const user = world.users.find((u) => u.login === login);
  // A GitHub App acts as its bot user, '<slug>[bot]'.
  const id = org?.id ?? user?.id ?? (login === `${world.app.slug}[bot]` ? world.app.id : 0);
  return {
    login,
    id,
    node_id: nodeId(org ? 'Organization' : 'User', id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    url: `${base}/users/${login}`,
    html_url: `${WEB}/${login}`,
    type: org ? 'Organization' : login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false,
  };
}

export function fullUser(world: GitHubWorld, base: string, user: GitHubWorld['users'][number]): Record<string, unknown> {
  return {
    ...simpleUser(world, base, user.login),
    name: user.name,
    company: null,
    blog: '',
    location: null,
    email: user.email,
    hireable: null,
    bio: null,
    public_repos: world.repos.filter((r) => r.owner === user.login && r.visibility === 'public').length,
    followers: 0,
    following: 0,
    created_at: user.createdAt,
    updated_at: user.createdAt,
  };
}

export function permissionsObject(role: RepoPermission): Record<string, boolean> {
  const order: RepoPermission[] = ['read', 'triage', 'write', 'maintain', 'admin'];
  const rank = order.indexOf(role);
  return { admin: rank >= 4, maintain: rank >= 3, push: rank >= 2, triage: rank >= 1, pull: rank >= 0 };
}

export function repository(world: GitHubWorld, base: string, repo: GitHubRepo, role: RepoPermission | null): Record<string, unknown> {
  const fullName = `${repo.owner}/${repo.name}`;
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: fullName,
    private: repo.visibility !== 'public',
    owner: simpleUser(world, base, repo.owner),
    html_url: `${WEB}/${fullName}`,
    description: repo.description,
    fork: false,
    url: `${base}/repos/${fullName}`,
    archived: repo.archived,
    disabled: false,
    visibility: repo.visibility,
    default_branch: repo.defaultBranch,
    created_at: repo.createdAt,
    updated_at: repo.updatedAt,
    pushed_at: repo.pushedAt,
    ...(role === null ? {} : { permissions: permissionsObject(role) }),
  };
}

export function protection(base: string, repo: GitHubRepo, branch: string, p: BranchProtection): Record<string, unknown> {
  const url = `${base}/repos/${repo.owner}/${repo.name}/branches/${encodeURIComponent(branch)}/protection`;
  const flag = (enabled: boolean): { enabled: boolean } => ({ enabled });
  return {
    url,
    ...(p.requiredStatusChecks && {
      required_status_checks: {
        url: `${url}/required_status_checks`,
        strict: p.requiredStatusChecks.strict,
        contexts: p.requiredStatusChecks.contexts,
        checks: p.requiredStatusChecks.contexts.map((context) => ({ context, app_id: null })),
        contexts_url: `${url}/required_status_checks/contexts`,
      },
    }),
    enforce_admins: { url: `${url}/enforce_admins`, enabled: p.enforceAdmins },
    ...(p.requiredPullRequestReviews && {
      required_pull_request_reviews: {
        url: `${url}/required_pull_request_reviews`,
        dismiss_stale_reviews: p.requiredPullRequestReviews.dismissStaleReviews,
        require_code_owner_reviews: p.requiredPullRequestReviews.requireCodeOwnerReviews,
        required_approving_review_count: p.requiredPullRequestReviews.requiredApprovingReviewCount,
        require_last_push_approval: p.requiredPullRequestReviews.requireLastPushApproval,
      },
    }),
    ...(p.restrictions && {
      restrictions: {
        url: `${url}/restrictions`,
        users_url: `${url}/restrictions/users`,
        teams_url: `${url}/restrictions/teams`,
        apps_url: `${url}/restrictions/apps`,
        users: p.restrictions.users.map((login) => ({ login })),
        teams: p.restrictions.teams.map((slug) => ({ slug })),
        apps: p.restrictions.apps.map((slug) => ({ slug })),
      },
    }),
    required_signatures: { url: `${url}/required_signatures`, enabled: false },
    required_linear_history: flag(p.requiredLinearHistory),
    allow_force_pushes: flag(p.allowForcePushes),
    allow_deletions: flag(p.allowDeletions),
    block_creations: flag(p.blockCreations),
    required_conversation_resolution: flag(p.requiredConversationResolution),
    lock_branch: flag(p.lockBranch),
    allow_fork_syncing: flag(p.allowForkSyncing),
  };
}

export function ruleset(base: string, repo: GitHubRepo, r: Ruleset, detail: boolean): Record<string, unknown> {
  const url = `${base}/repos/${repo.owner}/${repo.name}/rulesets/${r.id}`;
  return {
    id: r.id,
    name: r.name,
    target: r.target,
    source_type: 'Repository',
    source: `${repo.owner}/${repo.name}`,
    enforcement: r.enforcement,
    node_id: nodeId('RepositoryRuleset', r.id),
    _links: { self: { href: url }, html: { href: `${WEB}/${repo.owner}/${repo.name}/rules/${r.id}` } },
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    ...(detail && {
      bypass_actors: r.bypassActors.map((a) => ({ actor_id: a.actorId, actor_type: a.actorType, bypass_mode: a.bypassMode })),
      current_user_can_bypass: 'never',
      conditions: r.conditions && { ref_name: r.conditions.refName },
      rules: r.rules,
    }),
  };
}

export function alert(world: GitHubWorld, base: string, repo: GitHubRepo, a: SecretScanningAlert): Record<string, unknown> {
  const url = `${base}/repos/${repo.owner}/${repo.name}/secret-scanning/alerts/${a.number}`;
  return {
    number: a.number,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    url,
    html_url: `${WEB}/${repo.owner}/${repo.name}/security/secret-scanning/${a.number}`,
    locations_url: `${url}/locations`,
    state: a.state,
    secret_type: a.secretType,
    secret_type_display_name: a.secretTypeDisplayName,
    secret: a.secret,
    validity: a.validity,
    resolution: a.resolution,
    resolved_at: a.resolvedAt,
    resolved_by: a.resolvedBy === null ? null : simpleUser(world, base, a.resolvedBy),
    resolution_comment: a.resolutionComment,
    push_protection_bypassed: false,
    publicly_leaked: a.validity !== 'unknown' && repo.visibility === 'public',
    multi_repo: false,
  };
}
