// What every GitHub route shares: the caller behind the Authorization header, GitHub's error body, the primary
// rate limit and its headers, body parsing and Link-header paging.

import type { Route, RouteContext, SandboxReply, SandboxRequest } from '../emulator.js';
import type { GitHubRepo, GitHubWorld, RepoPermission } from './world.js';

export const DOCS = 'https://docs.github.com/rest';

type Installation = GitHubWorld['app']['installations'][number];

export type Caller =
  | { kind: 'anonymous' }
  /** The GitHub App itself, authenticated by its RS256 JWT (only on /app routes). */
  | { kind: 'app'; appId: number }
  | { kind: 'user'; login: string }
  | {
      kind: 'installation';
      installation: Installation;
      permissions: Record<string, 'read' | 'write' | 'admin'>;
      repositories: string[] | null;
    };

export interface GitHubContext extends RouteContext {
  world: GitHubWorld;
  caller: Caller;
}

export interface GitHubRoute {
  method: Route['method'];
  path: string;
  /** 'token' (default): PAT or installation token, or none; 'app-jwt': the app's JWT; 'none': the route checks. */
  auth?: 'token' | 'app-jwt' | 'none';
  handler: (req: SandboxRequest, ctx: GitHubContext) => SandboxReply;
}

/** Thrown by helpers to end a request with a GitHub error reply; the route wrapper turns it into the reply. */
export class GitHubHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** More members of the error body, e.g. `errors`. */
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** GitHub's error body: `{message, documentation_url, status}` (status is a string on the wire). */
export function errorReply(status: number, message: string, extra: Record<string, unknown> = {}): SandboxReply {
  return { status, json: { message, ...extra, documentation_url: DOCS, status: String(status) } };
}

export const notFound = (): GitHubHttpError => new GitHubHttpError(404, 'Not Found');

/** 422 for a body that fails GitHub's request schema, in GitHub's wording. */
export function invalidRequest(problems: string[]): GitHubHttpError {
  return new GitHubHttpError(422, `Invalid request.\n\n${problems.join('\n')}`);
}

export function parseJsonBody(req: SandboxRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body.toString('utf8'));
  } catch {
    throw new GitHubHttpError(400, 'Problems parsing JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GitHubHttpError(400, 'Body should be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** The credential in `Authorization: token X` or `Bearer X`, or null when the header is absent. */
export function credentialOf(req: SandboxRequest): string | null {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : '';
}

/** Resolves the caller; an unknown, malformed or expired credential is 401 "Bad credentials". */
export function resolveCaller(req: SandboxRequest, world: GitHubWorld, nowMs: number): Caller {
  const credential = credentialOf(req);
  if (credential === null) return { kind: 'anonymous' };
  const token = world.tokens.find((t) => t.token === credential);
  if (token === undefined) throw new GitHubHttpError(401, 'Bad credentials');
  if (token.kind === 'pat') return { kind: 'user', login: token.login };
  const installation = world.app.installations.find((i) => i.id === token.installationId);
  if (installation === undefined || Date.parse(token.expiresAt) <= nowMs) throw new GitHubHttpError(401, 'Bad credentials');
  return { kind: 'installation', installation, permissions: token.permissions, repositories: token.repositories };
}

const HOUR = 3600;

function callerKey(caller: Caller): string {
  if (caller.kind === 'user') return `user:${caller.login}`;
  if (caller.kind === 'app') return `app:${caller.appId}`;
  if (caller.kind === 'installation') return `installation:${caller.installation.id}`;
  return 'anonymous';
}

/**
 * Counts one request against the caller's hourly primary limit (60 anonymous, 5000 authenticated) and returns the
 * x-ratelimit-* headers; a caller already at its limit gets GitHub's 403 with remaining 0.
 */
export function chargeRateLimit(world: GitHubWorld, caller: Caller, nowSeconds: number): Record<string, string> {
  const key = callerKey(caller);
  let entry = world.rateLimits.find((r) => r.caller === key);
  if (entry === undefined) {
    entry = { caller: key, limit: caller.kind === 'anonymous' ? 60 : 5000, used: 0, resetAt: nowSeconds + HOUR };
    world.rateLimits.push(entry);
  }
  if (entry.resetAt <= nowSeconds) {
    entry.used = 0;
    entry.resetAt = nowSeconds + HOUR;
  }
  const exceeded = entry.used >= entry.limit;
  if (!exceeded) entry.used += 1;
  const headers = {
    'x-ratelimit-limit': String(entry.limit),
    'x-ratelimit-remaining': String(entry.limit - entry.used),
    'x-ratelimit-used': String(entry.used),
    'x-ratelimit-reset': String(entry.resetAt),
    'x-ratelimit-resource': 'core',
  };
  if (exceeded) {
    const who =
      caller.kind === 'user'
        ? `user ID ${world.users.find((u) => u.login === caller.login)?.id ?? 0}`
        : caller.kind === 'installation'
          ? `installation ID ${caller.installation.id}`
          : caller.kind === 'app'
            ? `app ID ${caller.appId}`
          : '127.0.0.1. (But here\'s the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)';
    throw new GitHubHttpError(403, `API rate limit exceeded for ${who}.`, {}, headers);
  }
  return headers;
}

const LEVELS: RepoPermission[] = ['read', 'triage', 'write', 'maintain', 'admin'];
export const atLeast = (have: RepoPermission, need: RepoPermission): boolean => LEVELS.indexOf(have) >= LEVELS.indexOf(need);

/** A user's role on a repository: org owners are admins, then direct collaborators, then read on public repos. */
export function userPermission(world: GitHubWorld, repo: GitHubRepo, login: string): RepoPermission | null {
  if (world.orgs.some((o) => o.login === repo.owner && o.owners.includes(login))) return 'admin';
  const collaborator = repo.collaborators.find((c) => c.login === login);
  if (collaborator) return collaborator.permission;
  return repo.visibility === 'private' ? null : 'read';
}

/** What a route needs: the GitHub App permission for installations, the repository role for users. */
export interface RepoAccess {
  app: [permission: string, level: 'read' | 'write'];
  user: RepoPermission;
  /** Anonymous callers may read public repositories. */
  anonymousRead: boolean;
}

const USER_DENIED: Record<RepoPermission, string> = {
  admin: 'Must have admin rights to Repository.',
  maintain: 'Must have maintain rights to Repository.',
  write: 'Must have push access to repository.',
  triage: 'Must have triage rights to Repository.',
  read: 'Not Found',
};

/** Finds the repository and checks the caller may do `access` on it (404 hides private repositories). */
export function repoFor(ctx: GitHubContext, owner: string, name: string, access: RepoAccess): GitHubRepo {
  const repo = ctx.world.repos.find((r) => r.owner.toLowerCase() === owner.toLowerCase() && r.name.toLowerCase() === name.toLowerCase());
  if (repo === undefined) throw notFound();
  const caller = ctx.caller;
  if (caller.kind === 'app') throw new GitHubHttpError(401, 'Bad credentials');
  if (caller.kind === 'anonymous') {
    if (repo.visibility !== 'public') throw notFound();
    if (!access.anonymousRead) throw new GitHubHttpError(401, 'Requires authentication');
    return repo;
  }
  if (caller.kind === 'installation') {
    const visible =
      repo.owner === caller.installation.account &&
      (caller.installation.repositorySelection === 'all' || caller.installation.repositories.includes(repo.name)) &&
      (caller.repositories === null || caller.repositories.includes(repo.name));
    if (!visible) throw notFound();
    const [permission, level] = access.app;
    const granted = caller.permissions[permission];
    if (granted === undefined || (level === 'write' && granted === 'read')) {
      throw new GitHubHttpError(403, 'Resource not accessible by integration');
    }
    return repo;
  }
  const role = userPermission(ctx.world, repo, caller.login);
  if (role === null) throw notFound();
  if (!atLeast(role, access.user)) throw new GitHubHttpError(403, USER_DENIED[access.user]);
  return repo;
}

/** Writes to an archived repository are refused, as GitHub does. */
export function assertWritable(repo: GitHubRepo): void {
  if (repo.archived) throw new GitHubHttpError(403, 'Repository was archived so is read-only.');
}

/** The organisation, visible to its members and to an installation on it with the `members` permission. */
export function orgFor(ctx: GitHubContext, login: string): GitHubWorld['orgs'][number] {
  const org = ctx.world.orgs.find((o) => o.login.toLowerCase() === login.toLowerCase());
  if (org === undefined) throw notFound();
  const caller = ctx.caller;
  if (caller.kind === 'app') throw new GitHubHttpError(401, 'Bad credentials');
  if (caller.kind === 'anonymous') throw new GitHubHttpError(401, 'Requires authentication');
  if (caller.kind === 'installation') {
    if (caller.installation.account !== org.login) throw notFound();
    if (caller.permissions['members'] === undefined) throw new GitHubHttpError(403, 'Resource not accessible by integration');
  } else if (!org.members.includes(caller.login)) {
    throw notFound();
  }
  return org;
}

/** `page`/`per_page` paging with a Link header, as GitHub lists do. */
export function paged<T>(req: SandboxRequest, ctx: RouteContext, items: T[]): SandboxReply {
  const perPage = Math.min(100, Math.max(1, Number(req.query.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number, rel: string): string => {
    const q = new URLSearchParams(req.query);
    q.set('per_page', String(perPage));
    q.set('page', String(p));
    return `<${ctx.baseUrl}${req.path}?${q.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
  return {
    status: 200,
    headers: links.length > 0 ? { link: links.join(', ') } : {},
    json: items.slice((page - 1) * perPage, page * perPage),
  };
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
