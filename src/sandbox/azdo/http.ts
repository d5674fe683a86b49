// What every Azure DevOps route shares: the service's error body, api-version negotiation, the Entra bearer token
// (audience 499b84ac-…) mapped to an identity of the organisation, the per-caller rate limit (TF400733) and the
// IdentityRef shape.

import type { EmulatorDeps, Route, RouteContext, SandboxReply, SandboxRequest } from '../emulator.js';
import type { AzdoIdentity, AzdoOrganization, AzdoWorld } from './world.js';

export const AZDO_AUDIENCE = '499b84ac-1321-427f-aa17-267ca6975798';

/** Azure DevOps' error body. `typeName` is the .NET exception type the server threw. */
export function errorReply(status: number, typeKey: string, message: string, namespace = 'Microsoft.VisualStudio.Services.WebApi'): SandboxReply {
  const assembly = namespace.startsWith('Microsoft.TeamFoundation') ? 'Microsoft.TeamFoundation.Framework.Server' : 'Microsoft.VisualStudio.Services.WebApi';
  return {
    status,
    json: {
      $id: '1',
      innerException: null,
      message,
      typeName: `${namespace}.${typeKey}, ${assembly}`,
      typeKey,
      errorCode: 0,
      eventId: 3000,
    },
  };
}

export class AzdoHttpError extends Error {
  constructor(
    readonly status: number,
    readonly typeKey: string,
    message: string,
    readonly namespace?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, typeKey = 'InvalidArgumentValueException'): AzdoHttpError =>
  new AzdoHttpError(400, typeKey, message);

export interface AzdoContext extends RouteContext {
  world: AzdoWorld;
  org: AzdoOrganization;
  /** The organisation identity the bearer token belongs to (matched on the token's oid). */
  caller: AzdoIdentity;
  nowMs: number;
  /** The sandbox's base URL (links to the other Azure DevOps hosts are built on it). */
  sandboxUrl: string;
}

export interface AzdoRoute {
  method: Route['method'];
  path: string;
  /** 'preview' APIs demand a -preview api-version, as the server does for APIs not released in 7.1. */
  version: 'ga' | 'preview';
  handler: (req: SandboxRequest, ctx: AzdoContext) => SandboxReply;
}

const LATEST = [7, 2];

/** Reads api-version from the query or the Accept header and checks it against the route's release state. */
function checkApiVersion(req: SandboxRequest, release: 'ga' | 'preview'): void {
  const fromAccept = /api-version=([^;,\s]+)/i.exec(req.headers.accept ?? '')?.[1];
  const version = req.query.get('api-version') ?? fromAccept;
  if (version === undefined || version === '') {
    throw badRequest(
      `No api-version was supplied for the "${req.method}" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. '?api-version=1.0').`,
      'VssVersionNotSpecifiedException',
    );
  }
  const match = /^(\d+)\.(\d+)(-preview(\.\d+)?)?$/i.exec(version);
  if (match === null) throw badRequest(`The api-version '${version}' is not valid. Specify a version such as '7.1'.`, 'VssInvalidApiVersionException');
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major > LATEST[0]! || (major === LATEST[0] && minor > LATEST[1]!)) {
    throw badRequest(
      `The requested REST API version of ${major}.${minor} is out of range for this server. The latest REST API version for this server is ${LATEST.join('.')}.`,
      'VssVersionOutOfRangeException',
    );
  }
  if (release === 'preview' && match[3] === undefined) {
    throw badRequest(
      `The requested version "${version}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${version}-preview"`,
      'VssInvalidPreviewVersionException',
    );
  }
}

const UNAUTHORIZED = "TF400813: The user '' is not authorized to access this resource.";

function unauthorized(): SandboxReply {
  return { ...errorReply(401, 'UnauthorizedRequestException', UNAUTHORIZED, 'Microsoft.TeamFoundation.Framework.Server'), headers: { 'www-authenticate': 'Bearer' } };
}

/** Counts the request against the caller's window; past the budget the server blocks with TF400733 and Retry-After. */
function chargeRateLimit(world: AzdoWorld, caller: string, nowMs: number): void {
  const windowMs = world.rateLimit.windowSeconds * 1000;
  let usage = world.rateLimitUsage.find((u) => u.caller === caller);
  if (usage === undefined || usage.windowStart + windowMs <= nowMs) {
    world.rateLimitUsage = world.rateLimitUsage.filter((u) => u.caller !== caller);
    usage = { caller, windowStart: nowMs, used: 0 };
    world.rateLimitUsage.push(usage);
  }
  if (usage.used >= world.rateLimit.limit) {
    const resetMs = usage.windowStart + windowMs;
    throw throttled(Math.max(1, Math.ceil((resetMs - nowMs) / 1000)), world.rateLimit.limit, Math.floor(resetMs / 1000));
  }
  usage.used += 1;
}

export function throttled(retryAfterSeconds: number, limit: number, resetEpochSeconds: number): AzdoHttpError {
  return new AzdoHttpError(
    429,
    'RequestBlockedException',
    "TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource 'Core' in namespace 'User'. For more information on why your request was blocked, see the topic \"Rate limits\" on the Microsoft Web site (https://go.microsoft.com/fwlink/?LinkId=823950).",
    'Microsoft.TeamFoundation.Framework.Server',
    {
      'retry-after': String(retryAfterSeconds),
      'x-ratelimit-resource': 'Core',
      'x-ratelimit-delay': '0',
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(resetEpochSeconds),
    },
  );
}

/** Wraps a route: bearer token → organisation → caller identity → rate limit → api-version → handler. */
export function serve(route: AzdoRoute, deps: EmulatorDeps): Route['handler'] {
  return (req: SandboxRequest, ctx: RouteContext): SandboxReply => {
    const nowMs = deps.now();
    const verified = deps.verifyBearer(req, [AZDO_AUDIENCE], nowMs, () => unauthorized());
    if (!verified.ok) return verified.reply;
    const world = deps.world().azdo;
    try {
      const org = world.organizations.find((o) => o.name.toLowerCase() === ctx.params['org']?.toLowerCase());
      if (org === undefined) throw new AzdoHttpError(404, 'HostNotFoundException', `VS800075: The organization '${ctx.params['org']}' does not exist.`);
      const caller = org.identities.find((i) => i.originId === verified.claims.oid);
      if (caller === undefined) return unauthorized();
      chargeRateLimit(world, verified.claims.oid, nowMs);
      checkApiVersion(req, route.version);
      return route.handler(req, { ...ctx, world, org, caller, nowMs, sandboxUrl: deps.sandboxUrl() });
    } catch (error) {
      if (!(error instanceof AzdoHttpError)) throw error;
      const reply = errorReply(error.status, error.typeKey, error.message, error.namespace);
      return { ...reply, headers: error.headers };
    }
  };
}

export function parseJson(req: SandboxRequest): unknown {
  if (req.body.length === 0) return undefined;
  try {
    return JSON.parse(req.body.toString('utf8'));
  } catch {
    throw badRequest('The request body could not be parsed as JSON.', 'VssRequestContentException');
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function identityById(org: AzdoOrganization, id: string): AzdoIdentity | undefined {
  return org.identities.find((i) => i.id === id);
}

/** The IdentityRef shape Azure DevOps embeds for creators, lockers and deleters. */
export function identityRef(ctx: AzdoContext, id: string | null): Record<string, unknown> | null {
  if (id === null) return null;
  const identity = identityById(ctx.org, id);
  const base = ctx.sandboxUrl;
  return {
    displayName: identity?.displayName ?? 'Unknown',
    url: `${base}/azdo/vssps/${ctx.org.name}/_apis/Identities/${id}`,
    _links: { avatar: { href: `${base}/azdo/dev/${ctx.org.name}/_apis/GraphProfile/MemberAvatars/${identity?.subjectDescriptor ?? id}` } },
    id,
    uniqueName: identity?.principalName ?? '',
    imageUrl: `${base}/azdo/dev/${ctx.org.name}/_api/_common/identityImage?id=${id}`,
    descriptor: identity?.subjectDescriptor ?? '',
  };
}

export function projectOf(ctx: AzdoContext, nameOrId: string): AzdoOrganization['projects'][number] {
  const project = ctx.org.projects.find((p) => p.id === nameOrId.toLowerCase() || p.name.toLowerCase() === nameOrId.toLowerCase());
  if (project === undefined) {
    throw new AzdoHttpError(
      404,
      'ProjectDoesNotExistWithNameException',
      `TF200016: The following project does not exist: ${nameOrId}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`,
      'Microsoft.TeamFoundation.Core.WebApi',
    );
  }
  return project;
}
