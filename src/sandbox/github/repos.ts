// Repository routes: repository get/update, branches and their protection, rulesets, collaborators and contents.

import { createHash } from 'node:crypto';
import type { SandboxReply, SandboxRequest } from '../emulator.js';
import {
  assertWritable,
  GitHubHttpError,
  invalidRequest,
  isoSeconds,
  notFound,
  paged,
  parseJsonBody,
  repoFor,
  userPermission,
  type GitHubContext,
  type GitHubRoute,
  type RepoAccess,
} from './http.js';
import { BodyCheck } from './validate.js';
import { permissionsObject, protection, repository, ruleset, simpleUser } from './wire.js';
import type { BranchProtection, GitHubRepo, RepoPermission, Ruleset } from './world.js';

const READ: RepoAccess = { app: ['metadata', 'read'], user: 'read', anonymousRead: true };
const ADMIN_READ: RepoAccess = { app: ['administration', 'read'], user: 'admin', anonymousRead: false };
const ADMIN_WRITE: RepoAccess = { app: ['administration', 'write'], user: 'admin', anonymousRead: false };
const COLLABORATORS_READ: RepoAccess = { app: ['metadata', 'read'], user: 'write', anonymousRead: false };
const CONTENTS_READ: RepoAccess = { app: ['contents', 'read'], user: 'read', anonymousRead: true };

type Params = { owner: string; repo: string; branch: string; username: string; id: string };
const p = (ctx: GitHubContext): Params => ctx.params as Params;

function callerRole(ctx: GitHubContext, repo: GitHubRepo): RepoPermission | null {
  return ctx.caller.kind === 'user' ? userPermission(ctx.world, repo, ctx.caller.login) : null;
}

function touch(ctx: GitHubContext, repo: GitHubRepo): void {
  repo.updatedAt = isoSeconds(ctx.now());
}

function getRepo(_req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const repo = repoFor(ctx, p(ctx).owner, p(ctx).repo, READ);
  return { status: 200, json: repository(ctx.world, ctx.baseUrl, repo, callerRole(ctx, repo)) };
}

/** PATCH /repos/{owner}/{repo}: archive/unarchive, visibility, description, default branch. */
function updateRepo(req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const repo = repoFor(ctx, p(ctx).owner, p(ctx).repo, ADMIN_WRITE);
  const body = parseJsonBody(req);
  const check = new BodyCheck();
  check.field(body, 'archived', 'boolean');
  check.field(body, 'private', 'boolean');
  check.field(body, 'visibility', 'string', { oneOf: ['public', 'private', 'internal'] });
  check.field(body, 'description', 'string', { nullable: true });
  check.field(body, 'default_branch', 'string');
  if (check.problems.length > 0) throw invalidRequest(check.problems);
  // An archived repository accepts only being unarchived.
  if (repo.archived && body['archived'] !== false) assertWritable(repo);
  if (body['visibility'] === 'internal') {
    throw new GitHubHttpError(422, 'Validation Failed', {
      errors: [{ resource: 'Repository', code: 'custom', field: 'visibility', message: 'visibility can only be internal for repositories owned by an enterprise' }],
    });
  }
  if (typeof body['default_branch'] === 'string' && !repo.branches.some((b) => b.name === body['default_branch'])) {
    throw new GitHubHttpError(422, 'Validation Failed', {
      errors: [{ resource: 'Repository', code: 'invalid', field: 'default_branch' }],
    });
  }
  if (typeof body['archived'] === 'boolean') repo.archived = body['archived'];
  if (typeof body['private'] === 'boolean') repo.visibility = body['private'] ? 'private' : 'public';
  if (typeof body['visibility'] === 'string') repo.visibility = body['visibility'] as GitHubRepo['visibility'];
  if ('description' in body) repo.description = body['description'] as string | null;
  if (typeof body['default_branch'] === 'string') repo.defaultBranch = body['default_branch'];
  touch(ctx, repo);
  return { status: 200, json: repository(ctx.world, ctx.baseUrl, repo, callerRole(ctx, repo)) };
}

function branchOf(repo: GitHubRepo, name: string): GitHubRepo['branches'][number] {
  const branch = repo.branches.find((b) => b.name === name);
  if (branch === undefined) throw new GitHubHttpError(404, 'Branch not found');
  return branch;
}

function getBranch(_req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const repo = repoFor(ctx, p(ctx).owner, p(ctx).repo, READ);
  const branch = branchOf(repo, p(ctx).branch);
  const url = `${ctx.baseUrl}/repos/${repo.owner}/${repo.name}/branches/${encodeURIComponent(branch.name)}`;
  return {
    status: 200,
    json: {
      name: branch.name,
      commit: { sha: branch.sha, url: `${ctx.baseUrl}/repos/${repo.owner}/${repo.name}/commits/${branch.sha}` },
      _links: { self: url, html: `https://github.com/${repo.owner}/${repo.name}/tree/${branch.name}` },
      protected: branch.protection !== null,
      protection: {
        enabled: branch.protection !== null,
        required_status_checks: {
          enforcement_level: branch.protection?.requiredStatusChecks ? 'non_admins' : 'off',
          contexts: branch.protection?.requiredStatusChecks?.contexts ?? [],
          checks: [],
        },
      },
      protection_url: `${url}/protection`,
    },
  };
}

function getProtection(_req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const repo = repoFor(ctx, p(ctx).owner, p(ctx).repo, ADMIN_READ);
  const branch = branchOf(repo, p(ctx).branch);
  if (branch.protection === null) throw new GitHubHttpError(404, 'Branch not protected');
  return { status: 200, json: protection(ctx.baseUrl, repo, branch.name, branch.protection) };
}

const PROTECTION_FLAGS = {
  required_linear_history: 'requiredLinearHistory',
  allow_force_pushes: 'allowForcePushes',
  allow_deletions: 'allowDeletions',
  block_creations: 'blockCreations',
  required_conversation_resolution: 'requiredConversationResolution',
  lock_branch: 'lockBranch',
  allow_fork_syncing: 'allowForkSyncing',
} as const;

/** Validates a PUT …/protection body (the four required keys must be present, possibly null) into a protection. */
function protectionFromBody(body: Record<string, unknown>): BranchProtection {
  const check = new BodyCheck();
  const checksOk = check.field(body, 'required_status_checks', 'object', { required: true, nullable: true });
  check.field(body, 'enforce_admins', 'boolean', { required: true, nullable: true });
  const reviewsOk = check.field(body, 'required_pull_request_reviews', 'object', { required: true, nullable: true });
  const restrictionsOk = check.field(body, 'restrictions', 'object', { required: true, nullable: true });
  for (const key of Object.keys(PROTECTION_FLAGS)) check.field(body, key, 'boolean', { nullable: key === 'allow_force_pushes' || key === 'allow_deletions' });
  const checks = body['required_status_checks'] as Record<string, unknown>;
  if (checksOk) {
    const path = 'properties/required_status_checks';
    check.field(checks, 'strict', 'boolean', { required: true, path });
    if (check.field(checks, 'contexts', 'array', { required: !('checks' in checks), path })) check.strings(checks, 'contexts', path);
    if (check.field(checks, 'checks', 'array', { path })) {
      (checks['checks'] as unknown[]).forEach((c, i) => {
        if (typeof c !== 'object' || c === null || typeof (c as Record<string, unknown>)['context'] !== 'string') {
          check.problems.push(`For '${path}/checks/${i}', "context" wasn't supplied.`);
        }
      });
    }
  }
  const reviews = body['required_pull_request_reviews'] as Record<string, unknown>;
  if (reviewsOk) {
    const path = 'properties/required_pull_request_reviews';
    check.field(reviews, 'dismiss_stale_reviews', 'boolean', { path });
    check.field(reviews, 'require_code_owner_reviews', 'boolean', { path });
    check.field(reviews, 'required_approving_review_count', 'integer', { path, min: 0, max: 6 });
    check.field(reviews, 'require_last_push_approval', 'boolean', { path });
  }
  const restrictions = body['restrictions'] as Record<string, unknown>;
  if (restrictionsOk) {
    const path = 'properties/restrictions';
    if (check.field(restrictions, 'users', 'array', { required: true, path })) check.strings(restrictions, 'users', path);
    if (check.field(restrictions, 'teams', 'array', { required: true, path })) check.strings(restrictions, 'teams', path);
    if (check.field(restrictions, 'apps', 'array', { path })) check.strings(restrictions, 'apps', path);
  }
  if (check.problems.length > 0) throw invalidRequest(check.problems);

  const flag = (key: keyof typeof PROTECTION_FLAGS): boolean => body[key] === true;
  return {
    requiredStatusChecks: checksOk
      ? {
          strict: checks['strict'] as boolean,
          contexts: (checks['contexts'] as string[] | undefined) ?? (checks['checks'] as { context: string }[]).map((c) => c.context),
        }
      : null,
    enforceAdmins: body['enforce_admins'] === true,
    requiredPullRequestReviews: reviewsOk
      ? {
          dismissStaleReviews: reviews['dismiss_stale_reviews'] === true,
          requireCodeOwnerReviews: reviews['require_code_owner_reviews'] === true,
          requiredApprovingReviewCount: (reviews['required_approving_review_count'] as number | undefined) ?? 1,
          requireLastPushApproval: reviews['require_last_push_approval'] === true,
        }
      : null,
    restrictions: restrictionsOk
      ? {
          users: restrictions['users'] as string[],
          teams: restrictions['teams'] as string[],
          apps: (restrictions['apps'] as string[] | undefined) ?? [],
        }
      : null,
    requiredLinearHistory: flag('required_linear_history'),
    allowForcePushes: flag('allow_force_pushes'),
    allowDeletions: flag('allow_deletions'),
    blockCreations: flag('block_creations'),
    requiredConversationResolution: flag('required_conversation_resolution'),
    lockBranch: flag('lock_branch'),
    allowForkSyncing: flag('allow_fork_syncing'),
  };
}

/** PUT …/protection replaces the whole protection, as GitHub does. */
function putProtection(req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const repo = repoFor(ctx, p(ctx).owner, p(ctx).repo, ADMIN_WRITE);
  assertWritable(repo);
  const branch = branchOf(repo, p(ctx).branch);
  branch.protection = protectionFromBody(parseJsonBody(req));
  touch(ctx, repo);
  return { status: 200, json: protection(ctx.baseUrl, repo, branch.name, branch.protection) };
}

function deleteProtection(_req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const repo = repoFor(ctx, p(ctx).owner, p(ctx).repo, ADMIN_WRITE);
  assertWritable(repo);
  const branch = branchOf(repo, p(ctx).branch);
  if (branch.protection === null) throw new GitHubHttpError(404, 'Branch not protected');
  branch.protection = null;
  touch(ctx, repo);
  return { status: 204 };
}

const RULE_TYPES = [
  'creation', 'update', 'deletion', 'required_linear_history', 'required_deployments', 'required_signatures',
  'pull_request', 'required_status_checks', 'non_fast_forward', 'commit_message_pattern', 'commit_author_email_pattern',
  'committer_email_pattern', 'branch_name_pattern', 'tag_name_pattern', 'code_scanning', 'merge_queue',
] as const;
const ACTOR_TYPES = ['Integration', 'OrganizationAdmin', 'RepositoryRole', 'Team', 'DeployKey'] as const;

function createRuleset(req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const repo = repoFor(ctx, p(ctx).owner, p(ctx).repo, ADMIN_WRITE);
  assertWritable(repo);
  const body = parseJsonBody(req);
  const check = new BodyCheck();
  check.field(body, 'name', 'string', { required: true });
  check.field(body, 'target', 'string', { oneOf: ['branch', 'tag', 'push'] });
  check.field(body, 'enforcement', 'string', { required: true, oneOf: ['active', 'evaluate', 'disabled'] });
  const actors = check.field(body, 'bypass_actors', 'array') ? (body['bypass_actors'] as unknown[]) : [];
  actors.forEach((a, i) => {
    const path = `properties/bypass_actors/${i}`;
    if (!isObject(a)) return void check.problems.push(`For '${path}', ${JSON.stringify(a)} is not an object.`);
    check.field(a, 'actor_id', 'integer', { nullable: true, path });
    check.field(a, 'actor_type', 'string', { required: true, oneOf: ACTOR_TYPES, path });
    check.field(a, 'bypass_mode', 'string', { oneOf: ['always', 'pull_request'], path });
  });
  let refName: { include: string[]; exclude: string[] } | null = null;
  if (check.field(body, 'conditions', 'object')) {
    const conditions = body['conditions'] as Record<string, unknown>;
    if (check.field(conditions, 'ref_name', 'object', { required: true, path: 'properties/conditions' })) {
      const ref = conditions['ref_name'] as Record<string, unknown>;
      const path = 'properties/conditions/ref_name';
      const inc = check.field(ref, 'include', 'array', { path });
      const exc = check.field(ref, 'exclude', 'array', { path });
      if (inc) check.strings(ref, 'include', path);
      if (exc) check.strings(ref, 'exclude', path);
      refName = { include: inc ? (ref['include'] as string[]) : [], exclude: exc ? (ref['exclude'] as string[]) : [] };
    }
  }
  const rules = check.field(body, 'rules', 'array') ? (body['rules'] as unknown[]) : [];
  rules.forEach((r, i) => {
    const path = `properties/rules/${i}`;
    if (!isObject(r)) return void check.problems.push(`For '${path}', ${JSON.stringify(r)} is not an object.`);
    check.field(r, 'type', 'string', { required: true, oneOf: RULE_TYPES, path });
    check.field(r, 'parameters', 'object', { path });
  });
  if (check.problems.length > 0) throw invalidRequest(check.problems);
  if (repo.rulesets.some((r) => r.name === body['name'])) {
    throw new GitHubHttpError(422, 'Validation Failed', { errors: ['Name must be unique'] });
  }
  const now = isoSeconds(ctx.now());
  const created: Ruleset = {
    id: Math.max(1000, ...ctx.world.repos.flatMap((r) => r.rulesets.map((s) => s.id))) + 1,
    name: body['name'] as string,
    target: (body['target'] as Ruleset['target'] | undefined) ?? 'branch',
    enforcement: body['enforcement'] as Ruleset['enforcement'],
    bypassActors: (actors as Record<string, unknown>[]).map((a) => ({
      actorId: (a['actor_id'] as number | null | undefined) ?? null,
      actorType: a['actor_type'] as (typeof ACTOR_TYPES)[number],
      bypassMode: (a['bypass_mode'] as 'always' | 'pull_request' | undefined) ?? 'always',
    })),
    conditions: refName && { refName },
    rules: (rules as Record<string, unknown>[]).map((r) => ({
      type: r['type'] as string,
      ...(isObject(r['parameters']) && { parameters: r['parameters'] }),
    })),
    createdAt: now,
    updatedAt: now,
  };
  repo.rulesets.push(created);
  touch(ctx, repo);
  return { status: 201, json: ruleset(ctx.baseUrl, repo, created, true) };
}

function listRulesets(req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const repo = repoFor(ctx, p(ctx).owner, p(ctx).repo, READ);
  return paged(req, ctx, repo.rulesets.map((r) => ruleset(ctx.baseUrl, repo, r, false)));
}

function getRuleset(_req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const repo = repoFor(ctx, p(ctx).owner, p(ctx).repo, READ);
  const found = repo.rulesets.find((r) => String(r.id) === p(ctx).id);
  if (found === undefined) throw notFound();
  return { status: 200, json: ruleset(ctx.baseUrl, repo, found, true) };
}

const PERMISSION_FILTERS = ['pull', 'triage', 'push', 'maintain', 'admin'] as const;
const ROLE_NAMES: Record<RepoPermission, string> = { read: 'read', triage: 'triage', write: 'write', maintain: 'maintain', admin: 'admin' };

/**
 * GET …/collaborators?affiliation=outside|direct|all&permission=pull|triage|push|maintain|admin. The world lists each
 * repository's collaborators explicitly; `permission` keeps those whose role includes it (an admin can push).
 */
function listCollaborators(req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const repo = repoFor(ctx, p(ctx).owner, p(ctx).repo, COLLABORATORS_READ);
  const affiliation = req.query.get('affiliation') ?? 'all';
  const permission = req.query.get('permission');
  if (!['outside', 'direct', 'all'].includes(affiliation)) {
    throw invalidRequest([`For 'affiliation', ${JSON.stringify(affiliation)} is not a member of ["outside", "direct", "all"].`]);
  }
  if (permission !== null && !(PERMISSION_FILTERS as readonly string[]).includes(permission)) {
    throw invalidRequest([`For 'permission', ${JSON.stringify(permission)} is not a member of [${PERMISSION_FILTERS.map((v) => `"${v}"`).join(', ')}].`]);
  }
  const rows = repo.collaborators
    .filter((c) => affiliation !== 'outside' || c.affiliation === 'outside')
    .map((c) => ({ ...simpleUser(ctx.world, ctx.baseUrl, c.login), permissions: permissionsObject(c.permission), role_name: ROLE_NAMES[c.permission] }))
    .filter((row) => permission === null || row.permissions[permission] === true);
  return paged(req, ctx, rows);
}

function removeCollaborator(_req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const repo = repoFor(ctx, p(ctx).owner, p(ctx).repo, ADMIN_WRITE);
  assertWritable(repo);
  if (!ctx.world.users.some((u) => u.login.toLowerCase() === p(ctx).username.toLowerCase())) throw notFound();
  repo.collaborators = repo.collaborators.filter((c) => c.login.toLowerCase() !== p(ctx).username.toLowerCase());
  touch(ctx, repo);
  return { status: 204 };
}

function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** GET …/contents/{path}: a file (base64 JSON, or raw with a raw media type) or a directory listing. */
function getContents(req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const repo = repoFor(ctx, p(ctx).owner, p(ctx).repo, CONTENTS_READ);
  const ref = req.query.get('ref');
  if (ref !== null && ref !== repo.defaultBranch && ref !== `refs/heads/${repo.defaultBranch}`) {
    throw new GitHubHttpError(404, `No commit found for the ref ${ref}`);
  }
  const path = (ctx.params['path'] ?? '').replace(/^\/+|\/+$/g, '');
  const base = `${ctx.baseUrl}/repos/${repo.owner}/${repo.name}`;
  const entry = (filePath: string, type: 'file' | 'dir'): Record<string, unknown> => {
    const content = repo.files[filePath] ?? '';
    const sha = type === 'file' ? gitBlobSha(content) : createHash('sha1').update(`tree ${filePath}`).digest('hex');
    return {
      type,
      name: filePath.split('/').pop(),
      path: filePath,
      sha,
      size: type === 'file' ? Buffer.byteLength(content) : 0,
      url: `${base}/contents/${filePath}?ref=${repo.defaultBranch}`,
      html_url: `https://github.com/${repo.owner}/${repo.name}/${type === 'file' ? 'blob' : 'tree'}/${repo.defaultBranch}/${filePath}`,
      git_url: `${base}/git/${type === 'file' ? 'blobs' : 'trees'}/${sha}`,
      download_url: type === 'file' ? `https://raw.githubusercontent.com/${repo.owner}/${repo.name}/${repo.defaultBranch}/${filePath}` : null,
    };
  };
  const content = repo.files[path];
  if (content !== undefined) {
    const accept = req.headers.accept ?? '';
    if (/application\/vnd\.github(\.v3)?\.raw/.test(accept)) {
      return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, text: content };
    }
    const encoded = (Buffer.from(content, 'utf8').toString('base64').match(/.{1,60}/g) ?? []).join('\n');
    return { status: 200, json: { ...entry(path, 'file'), content: encoded ? `${encoded}\n` : '', encoding: 'base64' } };
  }
  const prefix = path === '' ? '' : `${path}/`;
  const children = new Map<string, 'file' | 'dir'>();
  for (const filePath of Object.keys(repo.files)) {
    if (!filePath.startsWith(prefix)) continue;
    const [first, ...rest] = filePath.slice(prefix.length).split('/');
    children.set(`${prefix}${first}`, rest.length > 0 ? 'dir' : 'file');
  }
  if (children.size === 0) throw notFound();
  return { status: 200, json: [...children].sort(([a], [b]) => a.localeCompare(b)).map(([childPath, type]) => entry(childPath, type)) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const repoRoutes: GitHubRoute[] = [
  { method: 'GET', path: '/repos/:owner/:repo', handler: getRepo },
  { method: 'PATCH', path: '/repos/:owner/:repo', handler: updateRepo },
  { method: 'GET', path: '/repos/:owner/:repo/branches/:branch', handler: getBranch },
  { method: 'GET', path: '/repos/:owner/:repo/branches/:branch/protection', handler: getProtection },
  { method: 'PUT', path: '/repos/:owner/:repo/branches/:branch/protection', handler: putProtection },
  { method: 'DELETE', path: '/repos/:owner/:repo/branches/:branch/protection', handler: deleteProtection },
  { method: 'GET', path: '/repos/:owner/:repo/rulesets', handler: listRulesets },
  { method: 'POST', path: '/repos/:owner/:repo/rulesets', handler: createRuleset },
  { method: 'GET', path: '/repos/:owner/:repo/rulesets/:id', handler: getRuleset },
  { method: 'GET', path: '/repos/:owner/:repo/collaborators', handler: listCollaborators },
  { method: 'DELETE', path: '/repos/:owner/:repo/collaborators/:username', handler: removeCollaborator },
  { method: 'GET', path: '/repos/:owner/:repo/contents', handler: getContents },
  // `*path` takes the rest: Octokit sends one %2F-encoded segment, other clients real slashes.
  { method: 'GET', path: '/repos/:owner/:repo/contents/*path', handler: getContents },
];
