// Microsoft Sentinel incidents over ARM (mounted at /arm): list with $filter/$orderby/$top and nextLink paging,
// get, create-or-update with body-etag concurrency and the close/classification rules, comments, tasks,
// entities and alerts. Wire shapes: research/remote-apis.md §2 and research/sentinel.md.

import { z } from 'zod';
import type { Emulator, EmulatorDeps, Route, RouteContext, SandboxReply, SandboxRequest, TokenClaims } from '../emulator.js';
import { armError, AUDIENCES } from '../auth.js';
import {
  CLASSIFICATION_REASONS,
  CLASSIFICATIONS,
  SEVERITIES,
  STATUSES,
  type SentinelIncident,
  type SentinelWorld,
  type World,
} from '../world.js';
import { isoNow, newEtag, parseBody, sameEtag } from './http.js';

const WORKSPACE =
  '/subscriptions/:subscriptionId/resourceGroups/:resourceGroup/providers/Microsoft.OperationalInsights/workspaces/:workspace/providers/Microsoft.SecurityInsights';
const INCIDENT = `${WORKSPACE}/incidents/:incidentId`;
const DEFAULT_PAGE_SIZE = 50;

/** Valid classification → reasons (Undetermined takes none). */
const VALID_REASONS: Record<string, readonly string[]> = {
  TruePositive: ['SuspiciousActivity'],
  BenignPositive: ['SuspiciousButExpected'],
  FalsePositive: ['IncorrectAlertLogic', 'InaccurateData'],
  Undetermined: [],
};

const putIncidentSchema = z.object({
  etag: z.string().optional(),
  properties: z.looseObject({
    title: z.string().min(1),
    description: z.string().optional(),
    severity: z.enum(SEVERITIES),
    status: z.enum(STATUSES),
    classification: z.enum(CLASSIFICATIONS).optional(),
    classificationReason: z.enum(CLASSIFICATION_REASONS).optional(),
    classificationComment: z.string().optional(),
    owner: z
      .object({
        objectId: z.string().nullish(),
        email: z.string().nullish(),
        userPrincipalName: z.string().nullish(),
        assignedTo: z.string().nullish(),
        ownerType: z.enum(['Unknown', 'User', 'Group']).nullish(),
      })
      .optional(),
    labels: z.array(z.object({ labelName: z.string().min(1), labelType: z.enum(['User', 'AutoAssigned']).optional() })).optional(),
    firstActivityTimeUtc: z.iso.datetime({ offset: true }).optional(),
    lastActivityTimeUtc: z.iso.datetime({ offset: true }).optional(),
  }),
});

const putCommentSchema = z.object({ properties: z.object({ message: z.string().min(1).max(30_000) }) });

const putTaskSchema = z.object({
  properties: z.object({
    title: z.string().min(1),
    description: z.string().optional(),
    status: z.enum(['New', 'Completed']).default('New'),
  }),
});

interface Scope {
  world: SentinelWorld;
  claims: TokenClaims;
  /** ARM id of the workspace's SecurityInsights provider, as the client addressed it. */
  base: string;
}

type Handler = (req: SandboxRequest, ctx: RouteContext, scope: Scope) => SandboxReply;

function incidentNotFound(name: string): SandboxReply {
  return armError(404, 'NotFound', `Incident '${name}' was not found.`);
}

function findIncident(world: SentinelWorld, name: string): SentinelIncident | undefined {
  return world.incidents.find((i) => i.name.toLowerCase() === name.toLowerCase());
}

function workspaceBase(world: SentinelWorld): string {
  return `/subscriptions/${world.subscriptionId}/resourceGroups/${world.resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${world.workspaceName}/providers/Microsoft.SecurityInsights`;
}

function incidentResource(world: SentinelWorld, incident: SentinelIncident): object {
  const id = `${workspaceBase(world)}/incidents/${incident.name}`;
  return {
    id,
    name: incident.name,
    etag: incident.etag,
    type: 'Microsoft.SecurityInsights/incidents',
    properties: {
      ...incident.properties,
      incidentUrl: `https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident${id}`,
      additionalData: {
        bookmarksCount: 0,
        alertProductNames: ['Azure Sentinel'],
        tactics: [],
        ...incident.properties.additionalData,
        alertsCount: incident.alerts.length,
        commentsCount: incident.comments.length,
      },
    },
  };
}

function childResource(base: string, incident: SentinelIncident, kind: 'comments' | 'tasks', child: { name: string; etag: string; properties: object }): object {
  return {
    id: `${base}/incidents/${incident.name}/${kind}/${child.name}`,
    name: child.name,
    etag: child.etag,
    type: `Microsoft.SecurityInsights/incidents/${kind}`,
    properties: child.properties,
  };
}

// ---- $filter / $orderby: the OData subset the reconciler and the portal use ----

type Comparable = string | number | boolean;
const OPS = { eq: (c: number) => c === 0, ne: (c: number) => c !== 0, gt: (c: number) => c > 0, ge: (c: number) => c >= 0, lt: (c: number) => c < 0, le: (c: number) => c <= 0 } as const;

function literal(text: string): Comparable | undefined {
  if (/^'(?:[^']|'')*'$/.test(text)) return text.slice(1, -1).replace(/''/g, "'");
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(text)) return text;
  return undefined;
}

function compare(a: unknown, b: Comparable): number | undefined {
  if (a === undefined || a === null) return undefined;
  if (typeof b === 'number' && typeof a === 'number') return a - b;
  if (typeof b === 'boolean') return a === b ? 0 : 1;
  const ta = Date.parse(String(a));
  const tb = Date.parse(String(b));
  if (typeof b === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(b) && !Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb;
  return String(a).localeCompare(String(b));
}

function propertyPath(text: string): string | undefined {
  return /^properties\/[A-Za-z]+$/.test(text) ? text.slice('properties/'.length) : undefined;
}

function parseFilter(filter: string): ((i: SentinelIncident) => boolean) | undefined {
  const tests: ((i: SentinelIncident) => boolean)[] = [];
  for (const clause of filter.trim().split(/\s+and\s+/i)) {
    const m = /^\(?\s*(\S+)\s+(eq|ne|gt|ge|lt|le)\s+(.+?)\s*\)?$/i.exec(clause.trim());
    const field = m ? propertyPath(m[1] as string) : undefined;
    const value = m ? literal(m[3] as string) : undefined;
    if (!m || field === undefined || value === undefined) return undefined;
    const op = OPS[(m[2] as string).toLowerCase() as keyof typeof OPS];
    tests.push((i) => {
      const c = compare((i.properties as Record<string, unknown>)[field], value);
      return c !== undefined && op(c);
    });
  }
  return (i) => tests.every((t) => t(i));
}

function parseOrderBy(orderby: string): ((a: SentinelIncident, b: SentinelIncident) => number) | undefined {
  const keys: { field: string; dir: number }[] = [];
  for (const part of orderby.split(',')) {
    const m = /^\s*(\S+)(?:\s+(asc|desc))?\s*$/i.exec(part);
    const field = m ? propertyPath(m[1] as string) : undefined;
    if (!m || field === undefined) return undefined;
    keys.push({ field, dir: m[2]?.toLowerCase() === 'desc' ? -1 : 1 });
  }
  return (a, b) => {
    for (const { field, dir } of keys) {
      const va = (a.properties as Record<string, unknown>)[field];
      const vb = (b.properties as Record<string, unknown>)[field];
      const c = vb === undefined || vb === null ? (va === undefined || va === null ? 0 : 1) : (compare(va, vb as Comparable) ?? -1);
      if (c !== 0) return c * dir;
    }
    return 0;
  };
}

// ---- handlers ----

const listIncidents: Handler = (req, _ctx, { world }) => {
  let incidents = [...world.incidents];
  const filter = req.query.get('$filter');
  if (filter) {
    const test = parseFilter(filter);
    if (!test) return armError(400, 'BadRequest', `Invalid $filter '${filter}': supported is properties/<name> eq|ne|gt|ge|lt|le <literal> joined by 'and'.`);
    incidents = incidents.filter(test);
  }
  const orderby = req.query.get('$orderby');
  if (orderby) {
    const order = parseOrderBy(orderby);
    if (!order) return armError(400, 'BadRequest', `Invalid $orderby '${orderby}'.`);
    incidents.sort(order);
  }
  const topText = req.query.get('$top');
  const top = topText === null ? DEFAULT_PAGE_SIZE : Number(topText);
  if (!Number.isInteger(top) || top < 1 || top > 1000) return armError(400, 'BadRequest', `Invalid $top '${topText}': expected an integer 1..1000.`);
  const skipText = req.query.get('$skipToken');
  const skip = skipText === null ? 0 : Number(Buffer.from(skipText, 'base64url').toString('utf8'));
  if (!Number.isInteger(skip) || skip < 0) return armError(400, 'BadRequest', 'Invalid $skipToken.');
  const page = incidents.slice(skip, skip + top);
  const body: { value: object[]; nextLink?: string } = { value: page.map((i) => incidentResource(world, i)) };
  if (skip + top < incidents.length) {
    const next = new URL(req.url);
    next.searchParams.set('$skipToken', Buffer.from(String(skip + top)).toString('base64url'));
    body.nextLink = next.toString();
  }
  return { status: 200, json: body };
};

const getIncident: Handler = (_req, ctx, { world }) => {
  const incident = findIncident(world, ctx.params.incidentId as string);
  return incident ? { status: 200, json: incidentResource(world, incident) } : incidentNotFound(ctx.params.incidentId as string);
};

function checkClassification(p: { status: string; classification?: string | undefined; classificationReason?: string | undefined }): SandboxReply | undefined {
  if (p.status === 'Closed' && !p.classification) {
    return armError(400, 'BadRequest', "Incident with status 'Closed' must have a classification.");
  }
  if (!p.classification) {
    return p.classificationReason
      ? armError(400, 'BadRequest', `classificationReason '${p.classificationReason}' requires a classification.`)
      : undefined;
  }
  const reasons = VALID_REASONS[p.classification] ?? [];
  if (reasons.length > 0 && !p.classificationReason) {
    return armError(400, 'BadRequest', `classification '${p.classification}' must have classificationReason`);
  }
  if (p.classificationReason && !reasons.includes(p.classificationReason)) {
    return armError(
      400,
      'BadRequest',
      reasons.length === 0
        ? `classification '${p.classification}' must not have classificationReason`
        : `classificationReason '${p.classificationReason}' is not valid for classification '${p.classification}'; valid: ${reasons.join(', ')}`,
    );
  }
  return undefined;
}

function makePutIncident(deps: EmulatorDeps): Handler {
  return (req, ctx, { world }) => {
    const name = ctx.params.incidentId as string;
    const body = parseBody(req, putIncidentSchema, armError);
    if (!body.ok) return body.reply;
    const sent = body.value;
    const existing = findIncident(world, name);
    if (existing && sent.etag !== undefined && !sameEtag(sent.etag, existing.etag)) {
      return armError(409, 'Conflict', `Newer version of resource '${workspaceBase(world)}/incidents/${existing.name}' exists. Data was not saved`);
    }
    const invalid = checkClassification(sent.properties);
    if (invalid) return invalid;

    const now = isoNow(deps.now());
    const labels = new Map<string, { labelName: string; labelType: 'User' | 'AutoAssigned' }>();
    for (const label of sent.properties.labels ?? []) {
      const before = existing?.properties.labels.find((l) => l.labelName === label.labelName);
      labels.set(label.labelName, { labelName: label.labelName, labelType: before?.labelType ?? 'User' });
    }
    const owner = resolveOwner(deps.world(), sent.properties.owner ?? {});
    const p = sent.properties;
    const updated: SentinelIncident = {
      name: existing?.name ?? name,
      etag: newEtag(),
      properties: {
        ...(existing?.properties ?? {
          incidentNumber: Math.max(0, ...world.incidents.map((i) => i.properties.incidentNumber)) + 1,
          createdTimeUtc: now,
          providerName: 'Azure Sentinel',
          relatedAnalyticRuleIds: [],
          additionalData: {},
        }),
        title: p.title,
        description: p.description ?? existing?.properties.description,
        severity: p.severity,
        status: p.status,
        classification: p.classification,
        classificationReason: p.classificationReason,
        classificationComment: p.classificationComment,
        owner,
        labels: [...labels.values()],
        firstActivityTimeUtc: p.firstActivityTimeUtc ?? existing?.properties.firstActivityTimeUtc,
        lastActivityTimeUtc: p.lastActivityTimeUtc ?? existing?.properties.lastActivityTimeUtc,
        lastModifiedTimeUtc: now,
      },
      comments: existing?.comments ?? [],
      tasks: existing?.tasks ?? [],
      entities: existing?.entities ?? [],
      alerts: existing?.alerts ?? [],
    };
    if (existing) world.incidents[world.incidents.indexOf(existing)] = updated;
    else world.incidents.push(updated);
    return { status: existing ? 200 : 201, json: incidentResource(world, updated) };
  };
}

/** Fills the owner from the directory when the client names a known user by object id or UPN. */
function resolveOwner(world: World, owner: SentinelIncident['properties']['owner']): SentinelIncident['properties']['owner'] {
  const user = world.graph.users.find(
    (u) => (owner.objectId && u.id === owner.objectId) || (owner.userPrincipalName && u.userPrincipalName.toLowerCase() === owner.userPrincipalName.toLowerCase()),
  );
  if (!user) return owner;
  return { objectId: user.id, email: user.mail, userPrincipalName: user.userPrincipalName, assignedTo: user.displayName, ownerType: 'User' };
}

function makeChildHandlers(deps: EmulatorDeps) {
  const author = (claims: TokenClaims) => ({ objectId: claims.oid, name: 'SOAR playbook runtime' });

  const list = (kind: 'comments' | 'tasks'): Handler => (_req, ctx, { world, base }) => {
    const incident = findIncident(world, ctx.params.incidentId as string);
    if (!incident) return incidentNotFound(ctx.params.incidentId as string);
    return { status: 200, json: { value: incident[kind].map((c) => childResource(base, incident, kind, c)) } };
  };
  const get = (kind: 'comments' | 'tasks'): Handler => (_req, ctx, { world, base }) => {
    const incident = findIncident(world, ctx.params.incidentId as string);
    if (!incident) return incidentNotFound(ctx.params.incidentId as string);
    const child = incident[kind].find((c) => c.name === ctx.params.childId);
    return child
      ? { status: 200, json: childResource(base, incident, kind, child) }
      : armError(404, 'NotFound', `${kind === 'comments' ? 'Comment' : 'Task'} '${ctx.params.childId}' was not found.`);
  };
  const putComment: Handler = (req, ctx, { world, base, claims }) => {
    const incident = findIncident(world, ctx.params.incidentId as string);
    if (!incident) return incidentNotFound(ctx.params.incidentId as string);
    const body = parseBody(req, putCommentSchema, armError);
    if (!body.ok) return body.reply;
    const now = isoNow(deps.now());
    const existing = incident.comments.find((c) => c.name === ctx.params.childId);
    const comment = {
      name: ctx.params.childId as string,
      etag: newEtag(),
      properties: {
        message: body.value.properties.message,
        createdTimeUtc: existing?.properties.createdTimeUtc ?? now,
        lastModifiedTimeUtc: now,
        author: existing?.properties.author ?? author(claims),
      },
    };
    if (existing) incident.comments[incident.comments.indexOf(existing)] = comment;
    else incident.comments.push(comment);
    return { status: existing ? 200 : 201, json: childResource(base, incident, 'comments', comment) };
  };
  const putTask: Handler = (req, ctx, { world, base, claims }) => {
    const incident = findIncident(world, ctx.params.incidentId as string);
    if (!incident) return incidentNotFound(ctx.params.incidentId as string);
    const body = parseBody(req, putTaskSchema, armError);
    if (!body.ok) return body.reply;
    const now = isoNow(deps.now());
    const existing = incident.tasks.find((t) => t.name === ctx.params.childId);
    const task = {
      name: ctx.params.childId as string,
      etag: newEtag(),
      properties: {
        ...body.value.properties,
        createdTimeUtc: existing?.properties.createdTimeUtc ?? now,
        lastModifiedTimeUtc: now,
        createdBy: existing?.properties.createdBy ?? author(claims),
        lastModifiedBy: author(claims),
      },
    };
    if (existing) incident.tasks[incident.tasks.indexOf(existing)] = task;
    else incident.tasks.push(task);
    return { status: existing ? 200 : 201, json: childResource(base, incident, 'tasks', task) };
  };
  return { list, get, putComment, putTask };
}

const listEntities: Handler = (_req, ctx, { world, base }) => {
  const incident = findIncident(world, ctx.params.incidentId as string);
  if (!incident) return incidentNotFound(ctx.params.incidentId as string);
  const counts = new Map<string, number>();
  for (const e of incident.entities) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  return {
    status: 200,
    json: {
      entities: incident.entities.map((e) => ({ id: `${base}/Entities/${e.name}`, name: e.name, type: 'Microsoft.SecurityInsights/Entities', kind: e.kind, properties: e.properties })),
      metaData: [...counts].map(([entityKind, count]) => ({ count, entityKind })),
    },
  };
};

const listAlerts: Handler = (_req, ctx, { world, base }) => {
  const incident = findIncident(world, ctx.params.incidentId as string);
  if (!incident) return incidentNotFound(ctx.params.incidentId as string);
  return {
    status: 200,
    json: {
      value: incident.alerts.map((a) => ({ id: `${base}/Entities/${a.name}`, name: a.name, type: 'Microsoft.SecurityInsights/Entities', kind: 'SecurityAlert', properties: a.properties })),
    },
  };
};

export function createSentinelEmulator(deps: EmulatorDeps): Emulator {
  /** Every route: api-version required, ARM token, and the addressed workspace must exist. */
  const arm = (handler: Handler) => (req: SandboxRequest, ctx: RouteContext): SandboxReply => {
    if (!req.query.get('api-version')) {
      return armError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
    }
    const auth = deps.verifyBearer(req, [AUDIENCES.arm], deps.now());
    if (!auth.ok) return auth.reply;
    const world = deps.world().sentinel;
    const { subscriptionId, resourceGroup, workspace } = ctx.params as Record<string, string>;
    if (subscriptionId.toLowerCase() !== world.subscriptionId.toLowerCase()) {
      return armError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
    }
    if (resourceGroup.toLowerCase() !== world.resourceGroup.toLowerCase() || workspace.toLowerCase() !== world.workspaceName.toLowerCase()) {
      return armError(404, 'ResourceNotFound', `The Resource 'Microsoft.OperationalInsights/workspaces/${workspace}' under resource group '${resourceGroup}' was not found.`);
    }
    return handler(req, ctx, { world, claims: auth.claims, base: workspaceBase(world) });
  };
  const child = makeChildHandlers(deps);
  const routes: Route[] = [
    { method: 'GET', path: `${WORKSPACE}/incidents`, handler: arm(listIncidents) },
    { method: 'GET', path: INCIDENT, handler: arm(getIncident) },
    { method: 'PUT', path: INCIDENT, handler: arm(makePutIncident(deps)) },
    { method: 'GET', path: `${INCIDENT}/comments`, handler: arm(child.list('comments')) },
    { method: 'GET', path: `${INCIDENT}/comments/:childId`, handler: arm(child.get('comments')) },
    { method: 'PUT', path: `${INCIDENT}/comments/:childId`, handler: arm(child.putComment) },
    { method: 'GET', path: `${INCIDENT}/tasks`, handler: arm(child.list('tasks')) },
    { method: 'GET', path: `${INCIDENT}/tasks/:childId`, handler: arm(child.get('tasks')) },
    { method: 'PUT', path: `${INCIDENT}/tasks/:childId`, handler: arm(child.putTask) },
    { method: 'POST', path: `${INCIDENT}/entities`, handler: arm(listEntities) },
    { method: 'POST', path: `${INCIDENT}/alerts`, handler: arm(listAlerts) },
  ];
  return { name: 'sentinel', mount: '/arm', routes, errorReply: armError };
}
