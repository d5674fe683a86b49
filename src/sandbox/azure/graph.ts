// Microsoft Graph v1.0 (mounted at /graph): users by id or UPN with $select, manager, revokeSignInSessions,
// accountEnabled updates and riskyUsers/confirmCompromised, with Graph's error shape (`innerError`).
// Wire shapes: research/remote-apis.md §3.

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Emulator, EmulatorDeps, RouteContext, SandboxReply, SandboxRequest } from '../emulator.js';
import { AUDIENCES } from '../auth.js';
import type { GraphUser, GraphWorld } from '../world.js';
import { isoNow, parseBody } from './http.js';

const GRAPH_ROOT = 'https://graph.microsoft.com/v1.0';

const DEFAULT_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;
const SELECTABLE = new Set<string>([...DEFAULT_PROPERTIES, 'accountEnabled', 'signInSessionsValidFromDateTime']);

function graphError(status: number, code: string, message: string, nowMs = Date.now()): SandboxReply {
  const requestId = randomUUID();
  return {
    status,
    headers: { 'request-id': requestId },
    json: { error: { code, message, innerError: { date: new Date(nowMs).toISOString().replace(/\.\d+Z$/, ''), 'request-id': requestId, 'client-request-id': requestId } } },
  };
}

const userNotFound = (id: string) =>
  graphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);

function findUser(world: GraphWorld, idOrUpn: string): GraphUser | undefined {
  const key = idOrUpn.toLowerCase();
  return world.users.find((u) => u.id.toLowerCase() === key || u.userPrincipalName.toLowerCase() === key);
}

/** The user as Graph returns it: default properties, or exactly the `$select`ed ones. */
function projectUser(user: GraphUser, select: string | null): { body: Record<string, unknown> } | { error: string } {
  const all: Record<string, unknown> = { businessPhones: [], mobilePhone: null, preferredLanguage: null, ...user };
  delete all.managerId;
  const names = select ? select.split(',').map((s) => s.trim()).filter(Boolean) : [...DEFAULT_PROPERTIES];
  const unknown = names.find((n) => !SELECTABLE.has(n));
  if (unknown) return { error: `Could not find a property named '${unknown}' on type 'microsoft.graph.user'.` };
  const context = select ? `${GRAPH_ROOT}/$metadata#users(${names.join(',')})/$entity` : `${GRAPH_ROOT}/$metadata#users/$entity`;
  const body: Record<string, unknown> = { '@odata.context': context };
  for (const n of names) body[n] = all[n] ?? null;
  return { body };
}

const patchUserSchema = z
  .object({ accountEnabled: z.boolean().optional(), displayName: z.string().min(1).optional(), jobTitle: z.string().nullable().optional() })
  .strict();

const confirmCompromisedSchema = z.object({ userIds: z.array(z.string().min(1)).min(1).max(60) }).strict();

type Handler = (req: SandboxRequest, ctx: RouteContext, world: GraphWorld) => SandboxReply;

export function createGraphEmulator(deps: EmulatorDeps): Emulator {
  const errorReply = (status: number, code: string, message: string) => graphError(status, code, message, deps.now());
  const authError = (status: number, _code: string, message: string) =>
    graphError(status, 'InvalidAuthenticationToken', `Access token validation failure. ${message}`, deps.now());
  const graph = (handler: Handler) => (req: SandboxRequest, ctx: RouteContext): SandboxReply => {
    const auth = deps.verifyBearer(req, [AUDIENCES.graph], deps.now(), authError);
    if (!auth.ok) return auth.reply;
    return handler(req, ctx, deps.world().graph);
  };
  const badRequest = (reply: SandboxReply): SandboxReply => {
    const message = (reply.json as { error: { message: string } }).error.message;
    return errorReply(400, 'Request_BadRequest', message);
  };

  const getUser: Handler = (req, ctx, world) => {
    const user = findUser(world, ctx.params.id as string);
    if (!user) return userNotFound(ctx.params.id as string);
    const projected = projectUser(user, req.query.get('$select'));
    return 'error' in projected ? errorReply(400, 'BadRequest', projected.error) : { status: 200, json: projected.body };
  };

  const getManager: Handler = (req, ctx, world) => {
    const user = findUser(world, ctx.params.id as string);
    if (!user) return userNotFound(ctx.params.id as string);
    const manager = user.managerId ? findUser(world, user.managerId) : undefined;
    if (!manager) return userNotFound('manager');
    const projected = projectUser(manager, req.query.get('$select'));
    if ('error' in projected) return errorReply(400, 'BadRequest', projected.error);
    return {
      status: 200,
      json: { ...projected.body, '@odata.context': `${GRAPH_ROOT}/$metadata#directoryObjects/$entity`, '@odata.type': '#microsoft.graph.user' },
    };
  };

  const patchUser: Handler = (req, ctx, world) => {
    const user = findUser(world, ctx.params.id as string);
    if (!user) return userNotFound(ctx.params.id as string);
    const body = parseBody(req, patchUserSchema, errorReply);
    if (!body.ok) return badRequest(body.reply);
    const { accountEnabled, displayName, jobTitle } = body.value;
    if (accountEnabled !== undefined) user.accountEnabled = accountEnabled;
    if (displayName !== undefined) user.displayName = displayName;
    if (jobTitle !== undefined) user.jobTitle = jobTitle;
    return { status: 204 };
  };

  const revokeSessions: Handler = (_req, ctx, world) => {
    const user = findUser(world, ctx.params.id as string);
    if (!user) return userNotFound(ctx.params.id as string);
    user.signInSessionsValidFromDateTime = isoNow(deps.now());
    return { status: 200, json: { '@odata.context': `${GRAPH_ROOT}/$metadata#Edm.Boolean`, value: true } };
  };

  const confirmCompromised: Handler = (req, _ctx, world) => {
    const body = parseBody(req, confirmCompromisedSchema, errorReply);
    if (!body.ok) return badRequest(body.reply);
    const users: GraphUser[] = [];
    for (const id of body.value.userIds) {
      const user = world.users.find((u) => u.id === id);
      if (!user) return userNotFound(id);
      users.push(user);
    }
    const now = isoNow(deps.now());
    for (const user of users) {
      const risky = { id: user.id, userPrincipalName: user.userPrincipalName, riskState: 'confirmedCompromised' as const, riskLevel: 'high' as const, riskLastUpdatedDateTime: now };
      const index = world.riskyUsers.findIndex((r) => r.id === user.id);
      if (index >= 0) world.riskyUsers[index] = risky;
      else world.riskyUsers.push(risky);
    }
    return { status: 204 };
  };

  return {
    name: 'graph',
    mount: '/graph',
    errorReply,
    routes: [
      { method: 'GET', path: '/v1.0/users/:id', handler: graph(getUser) },
      { method: 'PATCH', path: '/v1.0/users/:id', handler: graph(patchUser) },
      { method: 'GET', path: '/v1.0/users/:id/manager', handler: graph(getManager) },
      { method: 'POST', path: '/v1.0/users/:id/revokeSignInSessions', handler: graph(revokeSessions) },
      { method: 'POST', path: '/v1.0/identityProtection/riskyUsers/confirmCompromised', handler: graph(confirmCompromised) },
    ],
  };
}
