import { z } from 'zod';
import { callAzdo } from '../../clients/azdo.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, READ_RETRY, azdoPermission } from '../policies.js';
import { PREVIEW_API_VERSION } from './common.js';

const entrySchema = z.object({
  id: z.string(),
  timestamp: z.string(),
  actionId: z.string(),
  actorUPN: z.string().nullable(),
  actorDisplayName: z.string().nullable(),
  ipAddress: z.string().nullable(),
  area: z.string().nullable(),
  category: z.string().nullable(),
  details: z.string().nullable(),
  projectName: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
});
type Entry = z.infer<typeof entrySchema>;

export const queryAuditLog = defineAction({
  name: 'azdo.queryAuditLog',
  title: 'Query audit log',
  description: 'Reads Azure DevOps audit log entries in a time range, optionally only some action ids (e.g. Git.RepositoryDeleted).',
  input: z.object({
    startTime: z.iso.datetime({ offset: true }),
    endTime: z.iso.datetime({ offset: true }).optional(),
    actionIds: z.array(z.string().min(1)).max(50).optional(),
    maxEntries: z.number().int().min(1).max(5000).optional().describe('default 500'),
  }),
  output: z.object({ entries: z.array(entrySchema), truncated: z.boolean() }),
  permissions: [azdoPermission('vso.auditlog')],
  retry: READ_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: false,
  async run(input, ctx) {
    const maxEntries = input.maxEntries ?? 500;
    const entries: Entry[] = [];
    let continuationToken: string | undefined;
    let hasMore = true;
    while (hasMore && entries.length < maxEntries) {
      const { body } = await callAzdo<{ decoratedAuditLogEntries: Array<Record<string, unknown>>; continuationToken?: string | null; hasMore?: boolean }>({
        service: 'audit',
        method: 'GET',
        path: '/_apis/audit/auditlog',
        query: { startTime: input.startTime, endTime: input.endTime, batchSize: 200, continuationToken, skipAggregation: true },
        apiVersion: PREVIEW_API_VERSION,
        signal: ctx.signal,
      });
      for (const raw of body.decoratedAuditLogEntries) {
        const entry = toEntry(raw);
        if (input.actionIds === undefined || input.actionIds.includes(entry.actionId)) entries.push(entry);
      }
      continuationToken = body.continuationToken || undefined;
      hasMore = body.hasMore === true && continuationToken !== undefined;
    }
    return { entries: entries.slice(0, maxEntries), truncated: entries.length > maxEntries || hasMore };
  },
});

function toEntry(raw: Record<string, unknown>): Entry {
  const text = (key: string): string | null => (typeof raw[key] === 'string' ? (raw[key] as string) : null);
  const data = raw['data'];
  return {
    id: String(raw['id'] ?? ''),
    timestamp: String(raw['timestamp'] ?? ''),
    actionId: String(raw['actionId'] ?? ''),
    actorUPN: text('actorUPN'),
    actorDisplayName: text('actorDisplayName'),
    ipAddress: text('ipAddress'),
    area: text('area'),
    category: text('category'),
    details: text('details'),
    projectName: text('projectName'),
    data: data && typeof data === 'object' ? (data as Record<string, unknown>) : null,
  };
}
