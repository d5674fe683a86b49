// Leaked-secret routes: secret-scanning alerts (list, get, resolve) and POST /credentials/revoke.

import type { SandboxReply, SandboxRequest } from '../emulator.js';
import {
  GitHubHttpError,
  invalidRequest,
  isoSeconds,
  notFound,
  paged,
  parseJsonBody,
  repoFor,
  type GitHubContext,
  type GitHubRoute,
  type RepoAccess,
} from './http.js';
import { BodyCheck } from './validate.js';
import { alert } from './wire.js';
import type { SecretScanningAlert } from './world.js';

const ALERTS_READ: RepoAccess = { app: ['secret_scanning_alerts', 'read'], user: 'admin', anonymousRead: false };
const ALERTS_WRITE: RepoAccess = { app: ['secret_scanning_alerts', 'write'], user: 'admin', anonymousRead: false };
const RESOLUTIONS = ['false_positive', 'wont_fix', 'revoked', 'used_in_tests'] as const;

function listAlerts(req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const repo = repoFor(ctx, ctx.params['owner']!, ctx.params['repo']!, ALERTS_READ);
  const state = req.query.get('state');
  if (state !== null && state !== 'open' && state !== 'resolved') {
    throw invalidRequest([`For 'state', ${JSON.stringify(state)} is not a member of ["open", "resolved"].`]);
  }
  const types = req.query.get('secret_type')?.split(',');
  const resolutions = req.query.get('resolution')?.split(',');
  const direction = req.query.get('direction') ?? 'desc';
  const alerts = repo.secretScanningAlerts
    .filter((a) => state === null || a.state === state)
    .filter((a) => types === undefined || types.includes(a.secretType))
    .filter((a) => resolutions === undefined || (a.resolution !== null && resolutions.includes(a.resolution)))
    .sort((a, b) => (direction === 'asc' ? a.number - b.number : b.number - a.number));
  return paged(req, ctx, alerts.map((a) => alert(ctx.world, ctx.baseUrl, repo, a)));
}

function alertOf(ctx: GitHubContext, access: RepoAccess): { repo: ReturnType<typeof repoFor>; found: SecretScanningAlert } {
  const repo = repoFor(ctx, ctx.params['owner']!, ctx.params['repo']!, access);
  const found = repo.secretScanningAlerts.find((a) => String(a.number) === ctx.params['alert_number']);
  if (found === undefined) throw notFound();
  return { repo, found };
}

function getAlert(_req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const { repo, found } = alertOf(ctx, ALERTS_READ);
  return { status: 200, json: alert(ctx.world, ctx.baseUrl, repo, found) };
}

/** PATCH …/alerts/{n} `{state, resolution?, resolution_comment?}`; 400 when nothing would change. */
function updateAlert(req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const { repo, found } = alertOf(ctx, ALERTS_WRITE);
  const body = parseJsonBody(req);
  const check = new BodyCheck();
  check.field(body, 'state', 'string', { required: true, oneOf: ['open', 'resolved'] });
  check.field(body, 'resolution', 'string', { nullable: true, oneOf: RESOLUTIONS });
  check.field(body, 'resolution_comment', 'string', { nullable: true });
  if (check.problems.length > 0) throw invalidRequest(check.problems);
  const state = body['state'] as 'open' | 'resolved';
  const resolution = (body['resolution'] as SecretScanningAlert['resolution'] | undefined) ?? null;
  const comment = (body['resolution_comment'] as string | null | undefined) ?? null;
  if (state === 'resolved' && resolution === null) {
    throw new GitHubHttpError(422, 'Validation Failed', {
      errors: [{ resource: 'SecretScanningAlert', code: 'missing_field', field: 'resolution' }],
    });
  }
  if (comment !== null && comment.length > 280) {
    throw new GitHubHttpError(422, 'Validation Failed', {
      errors: [{ resource: 'SecretScanningAlert', code: 'invalid', field: 'resolution_comment', message: 'is too long (maximum is 280 characters)' }],
    });
  }
  if (found.state === state && (state === 'open' || found.resolution === resolution)) {
    throw new GitHubHttpError(400, `Bad request: the alert is already ${state === 'open' ? 'open' : `resolved as ${resolution}`}.`);
  }
  const caller = ctx.caller;
  const now = isoSeconds(ctx.now());
  found.state = state;
  found.resolution = state === 'resolved' ? resolution : null;
  found.resolutionComment = state === 'resolved' ? comment : null;
  found.resolvedBy = state === 'open' ? null : caller.kind === 'user' ? caller.login : `${ctx.world.app.slug}[bot]`;
  found.resolvedAt = state === 'resolved' ? now : null;
  found.updatedAt = now;
  return { status: 200, json: alert(ctx.world, ctx.baseUrl, repo, found) };
}

const REVOCABLE = /^(ghp_|github_pat_|gho_|ghu_|ghr_)[A-Za-z0-9_]+$/;

/**
 * POST /credentials/revoke `{credentials: [...]}`, up to 1000 tokens. GitHub serves it to UNAUTHENTICATED callers only.
 * A revoked token stops authenticating here, and alerts on it turn `validity: inactive`.
 */
function revokeCredentials(req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  if (req.headers.authorization !== undefined) throw new GitHubHttpError(403, 'Any authenticated requests will return a 403');
  const body = parseJsonBody(req);
  const check = new BodyCheck();
  if (check.field(body, 'credentials', 'array', { required: true })) check.strings(body, 'credentials');
  if (check.problems.length > 0) throw invalidRequest(check.problems);
  const credentials = body['credentials'] as string[];
  const invalid = credentials.flatMap((c, index) => (REVOCABLE.test(c) ? [] : [index]));
  if (credentials.length === 0 || credentials.length > 1000 || invalid.length > 0) {
    throw new GitHubHttpError(422, 'Validation Failed', {
      errors: [
        credentials.length === 0 || credentials.length > 1000
          ? { resource: 'Credentials', code: 'invalid', field: 'credentials', message: 'must contain between 1 and 1000 credentials' }
          : { resource: 'Credentials', code: 'invalid', field: 'credentials', message: `unsupported credential format at index ${invalid.join(', ')}` },
      ],
    });
  }
  const revokedAt = isoSeconds(ctx.now());
  const world = ctx.world;
  for (const credential of credentials) {
    world.revokedCredentials.push({ credential, revokedAt });
    world.tokens = world.tokens.filter((t) => t.token !== credential);
    for (const a of world.repos.flatMap((r) => r.secretScanningAlerts)) {
      if (a.secret === credential) a.validity = 'inactive';
    }
  }
  return { status: 202 };
}

export const secretRoutes: GitHubRoute[] = [
  { method: 'GET', path: '/repos/:owner/:repo/secret-scanning/alerts', handler: listAlerts },
  { method: 'GET', path: '/repos/:owner/:repo/secret-scanning/alerts/:alert_number', handler: getAlert },
  { method: 'PATCH', path: '/repos/:owner/:repo/secret-scanning/alerts/:alert_number', handler: updateAlert },
  { method: 'POST', path: '/credentials/revoke', auth: 'none', handler: revokeCredentials },
];
