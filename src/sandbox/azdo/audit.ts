// The audit log (auditservice.dev.azure.com, mounted at /azdo/audit): the query API, and the entries the other
// emulators record when they change something, as Azure DevOps does.

import { randomUUID } from 'node:crypto';
import type { SandboxReply, SandboxRequest } from '../emulator.js';
import { badRequest, type AzdoContext, type AzdoRoute } from './http.js';
import type { AuditEntry } from './world.js';

export function recordAudit(ctx: AzdoContext, entry: Pick<AuditEntry, 'actionId' | 'area' | 'category' | 'details' | 'projectName' | 'data'>): void {
  ctx.org.auditLog.push({
    ...entry,
    id: `${ctx.nowMs.toString(16)};${String(ctx.org.auditLog.length + 1).padStart(8, '0')};s`,
    timestamp: new Date(ctx.nowMs).toISOString(),
    actorUPN: ctx.caller.principalName,
    actorDisplayName: ctx.caller.displayName,
    ipAddress: '127.0.0.1',
    scopeType: entry.projectName === null ? 'organization' : 'project',
  });
}

function time(req: SandboxRequest, name: string): number | undefined {
  const value = req.query.get(name);
  if (value === null || value === '') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest(`The value '${value}' is not valid for ${name}. Supply an ISO 8601 date and time.`);
  return ms;
}

/**
 * GET /{org}/_apis/audit/auditlog?startTime&endTime&batchSize&continuationToken (7.1-preview.1): newest first, in
 * batches; the continuation token names the last entry returned.
 */
function queryAuditLog(req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  const start = time(req, 'startTime');
  const end = time(req, 'endTime');
  const batchText = req.query.get('batchSize');
  const batchSize = batchText === null ? 200 : Number(batchText);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 200) {
    throw badRequest(`The value '${batchText}' is not valid for batchSize. It must be an integer from 1 to 200.`);
  }
  const entries = ctx.org.auditLog
    .filter((e) => (start === undefined || Date.parse(e.timestamp) >= start) && (end === undefined || Date.parse(e.timestamp) < end))
    .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp) || b.id.localeCompare(a.id));
  const token = req.query.get('continuationToken');
  let from = 0;
  if (token !== null && token !== '') {
    const index = entries.findIndex((e) => e.id === token);
    if (index < 0) throw badRequest(`The continuation token '${token}' is not valid.`);
    from = index + 1;
  }
  const batch = entries.slice(from, from + batchSize);
  const hasMore = from + batchSize < entries.length;
  const project = (name: string | null): string | null => (name === null ? null : (ctx.org.projects.find((p) => p.name === name)?.id ?? null));
  return {
    status: 200,
    json: {
      decoratedAuditLogEntries: batch.map((e) => {
        const actor = ctx.org.identities.find((i) => i.principalName === e.actorUPN);
        return {
          id: e.id,
          correlationId: randomUUID(),
          activityId: randomUUID(),
          actorCUID: actor?.id ?? null,
          actorUserId: actor?.id ?? null,
          actorClientId: '00000000-0000-0000-0000-000000000000',
          actorUPN: e.actorUPN,
          authenticationMechanism: 'AAD_Cookie',
          timestamp: e.timestamp,
          scopeType: e.scopeType,
          scopeDisplayName: e.projectName === null ? `${ctx.org.name} (Organization)` : `${e.projectName} (Project)`,
          scopeId: e.projectName === null ? ctx.org.id : project(e.projectName),
          projectId: project(e.projectName),
          projectName: e.projectName,
          ipAddress: e.ipAddress,
          userAgent: 'Mozilla/5.0',
          actionId: e.actionId,
          data: e.data,
          details: e.details,
          area: e.area,
          category: e.category,
          categoryDisplayName: e.category,
          actorDisplayName: e.actorDisplayName,
          actorImageUrl: null,
        };
      }),
      continuationToken: hasMore ? batch[batch.length - 1]!.id : null,
      hasMore,
    },
  };
}

export const auditRoutes: AzdoRoute[] = [{ method: 'GET', path: '/:org/_apis/audit/auditlog', version: 'preview', handler: queryAuditLog }];
