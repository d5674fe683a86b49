// GitHub App authentication: the app's RS256 JWT, checked against the public key in the world, and installation
// access tokens (ghs_…, one hour) issued for it.

import { createPublicKey, randomBytes, verify } from 'node:crypto';
import type { SandboxReply, SandboxRequest } from '../emulator.js';
import {
  credentialOf,
  GitHubHttpError,
  invalidRequest,
  isoSeconds,
  notFound,
  parseJsonBody,
  type Caller,
  type GitHubContext,
  type GitHubRoute,
} from './http.js';
import { BodyCheck } from './validate.js';
import { simpleUser } from './wire.js';
import type { GitHubWorld } from './world.js';

/** Seconds an `iat` may lie in the future (the sender's clock running ahead). */
const CLOCK_SKEW_SECONDS = 60;
const MAX_LIFETIME_SECONDS = 600;
const TOKEN_LIFETIME_MS = 3600_000;

const UNDECODABLE = "A JSON web token could not be decoded";
const BAD_EXP = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
const BAD_IAT = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
const EXP_TOO_FAR = "'Expiration time' claim ('exp') is too far in the future";
const BAD_ISS = "'Issuer' claim ('iss') must be an Integer";

function decodePart(part: string): Record<string, unknown> {
  const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  if (typeof value !== 'object' || value === null) throw new Error('not an object');
  return value as Record<string, unknown>;
}

/** Verifies `Authorization: Bearer <JWT>` as GitHub does for an app: RS256 signature, iss, iat, exp. */
export function verifyAppJwt(req: SandboxRequest, world: GitHubWorld, nowSeconds: number): Caller {
  const jwt = credentialOf(req);
  if (jwt === null) throw new GitHubHttpError(401, 'A JSON web token could not be decoded');
  const parts = jwt.split('.');
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    if (parts.length !== 3) throw new Error('not a JWT');
    header = decodePart(parts[0]!);
    claims = decodePart(parts[1]!);
  } catch {
    throw new GitHubHttpError(401, UNDECODABLE);
  }
  const iss = claims['iss'];
  const app = world.app;
  if (!(Number.isInteger(Number(iss)) && String(iss).trim() !== '') && iss !== app.clientId) throw new GitHubHttpError(401, BAD_ISS);
  if (String(iss) !== String(app.id) && iss !== app.clientId) throw new GitHubHttpError(401, 'Integration not found');
  const signed = header['alg'] === 'RS256' && verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), createPublicKey(app.publicKeyPem), Buffer.from(parts[2]!, 'base64url'));
  if (!signed) throw new GitHubHttpError(401, UNDECODABLE);
  const iat = claims['iat'];
  const exp = claims['exp'];
  if (!Number.isInteger(iat) || (iat as number) > nowSeconds + CLOCK_SKEW_SECONDS) throw new GitHubHttpError(401, BAD_IAT);
  if (typeof exp !== 'number' || exp <= nowSeconds) throw new GitHubHttpError(401, BAD_EXP);
  if (exp - (iat as number) > MAX_LIFETIME_SECONDS) throw new GitHubHttpError(401, EXP_TOO_FAR);
  return { kind: 'app', appId: app.id };
}

function installationOf(ctx: GitHubContext): GitHubWorld['app']['installations'][number] {
  const installation = ctx.world.app.installations.find((i) => String(i.id) === ctx.params['installation_id']);
  if (installation === undefined) throw notFound();
  return installation;
}

function installationJson(ctx: GitHubContext, installation: GitHubWorld['app']['installations'][number]): Record<string, unknown> {
  return {
    id: installation.id,
    account: simpleUser(ctx.world, ctx.baseUrl, installation.account),
    app_id: ctx.world.app.id,
    app_slug: ctx.world.app.slug,
    client_id: ctx.world.app.clientId,
    target_type: ctx.world.orgs.some((o) => o.login === installation.account) ? 'Organization' : 'User',
    repository_selection: installation.repositorySelection,
    permissions: installation.permissions,
    access_tokens_url: `${ctx.baseUrl}/app/installations/${installation.id}/access_tokens`,
    events: [],
  };
}

function getInstallation(_req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  return { status: 200, json: installationJson(ctx, installationOf(ctx)) };
}

/**
 * POST /app/installations/{id}/access_tokens `{repositories?, permissions?}` → 201 `{token, expires_at, permissions,
 * repository_selection}`. A request may narrow, never widen, the installation's permissions.
 */
function createAccessToken(req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const installation = installationOf(ctx);
  const body = parseJsonBody(req);
  const check = new BodyCheck();
  if (check.field(body, 'repositories', 'array')) check.strings(body, 'repositories');
  check.field(body, 'permissions', 'object');
  if (check.problems.length > 0) throw invalidRequest(check.problems);
  const granted = installation.permissions;
  const requested = (body['permissions'] as Record<string, unknown> | undefined) ?? granted;
  const rank = { read: 0, write: 1, admin: 2 } as const;
  const permissions: Record<string, 'read' | 'write' | 'admin'> = {};
  for (const [name, level] of Object.entries(requested)) {
    const have = granted[name];
    if (have === undefined || typeof level !== 'string' || !(level in rank) || rank[level as keyof typeof rank] > rank[have]) {
      throw new GitHubHttpError(422, 'The permissions requested are not granted to this installation.');
    }
    permissions[name] = level as 'read' | 'write' | 'admin';
  }
  const repositories = (body['repositories'] as string[] | undefined) ?? null;
  const reachable = ctx.world.repos.filter(
    (r) => r.owner === installation.account && (installation.repositorySelection === 'all' || installation.repositories.includes(r.name)),
  );
  if (repositories !== null && !repositories.every((name) => reachable.some((r) => r.name === name))) {
    throw new GitHubHttpError(422, 'There is at least one repository that does not exist or is not accessible to the parent installation.');
  }
  const nowMs = ctx.now();
  const token = `ghs_${randomBytes(27).toString('base64url').replace(/[-_]/g, '0').slice(0, 36)}`;
  const expiresAt = isoSeconds(nowMs + TOKEN_LIFETIME_MS);
  // Expired installation tokens are dropped so the world stays small.
  ctx.world.tokens = ctx.world.tokens.filter((t) => t.kind !== 'installation' || Date.parse(t.expiresAt) > nowMs);
  ctx.world.tokens.push({ kind: 'installation', token, installationId: installation.id, expiresAt, permissions, repositories });
  return {
    status: 201,
    json: {
      token,
      expires_at: expiresAt,
      permissions,
      repository_selection: repositories === null ? installation.repositorySelection : 'selected',
      ...(repositories !== null && { repositories: repositories.map((name) => ({ name, full_name: `${installation.account}/${name}` })) }),
    },
  };
}

export const appRoutes: GitHubRoute[] = [
  { method: 'GET', path: '/app/installations/:installation_id', auth: 'app-jwt', handler: getInstallation },
  { method: 'POST', path: '/app/installations/:installation_id/access_tokens', auth: 'app-jwt', handler: createAccessToken },
];
