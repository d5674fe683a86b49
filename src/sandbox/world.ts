// The sandbox's stateful world: one slice per emulated service. Seeded from a JSON world file (missing slices
// come from worlds/default/<slice>.json), validated with zod, and deep-cloned so a reset restores the seed.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { GitHubWorldSchema, type GitHubWorld } from './github/world.js';
import { AzdoWorldSchema, type AzdoWorld } from './azdo/world.js';

const isoTime = z.iso.datetime({ offset: true });

const ownerSchema = z.object({
  objectId: z.string().nullish(),
  email: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
  assignedTo: z.string().nullish(),
  ownerType: z.enum(['Unknown', 'User', 'Group']).nullish(),
});

const labelSchema = z.object({ labelName: z.string().min(1), labelType: z.enum(['User', 'AutoAssigned']) });

export const SEVERITIES = ['High', 'Medium', 'Low', 'Informational'] as const;
export const STATUSES = ['New', 'Active', 'Closed'] as const;
export const CLASSIFICATIONS = ['Undetermined', 'TruePositive', 'BenignPositive', 'FalsePositive'] as const;
export const CLASSIFICATION_REASONS = [
  'SuspiciousActivity',
  'SuspiciousButExpected',
  'IncorrectAlertLogic',
  'InaccurateData',
] as const;

const personSchema = z.object({
  objectId: z.string(),
  email: z.string().optional(),
  userPrincipalName: z.string().optional(),
  name: z.string().optional(),
});

const commentSchema = z.object({
  name: z.string(),
  etag: z.string(),
  properties: z.object({
    message: z.string(),
    createdTimeUtc: isoTime,
    lastModifiedTimeUtc: isoTime,
    author: personSchema,
  }),
});

const taskSchema = z.object({
  name: z.string(),
  etag: z.string(),
  properties: z.object({
    title: z.string(),
    description: z.string().optional(),
    status: z.enum(['New', 'Completed']),
    createdTimeUtc: isoTime,
    lastModifiedTimeUtc: isoTime,
    createdBy: personSchema,
    lastModifiedBy: personSchema,
  }),
});

const entitySchema = z.object({
  name: z.string(),
  kind: z.string(),
  properties: z.record(z.string(), z.unknown()),
});

const alertSchema = z.object({
  name: z.string(),
  properties: z.looseObject({
    alertDisplayName: z.string(),
    severity: z.enum(SEVERITIES),
    status: z.string(),
    additionalData: z.record(z.string(), z.unknown()).default({}),
  }),
});

const incidentSchema = z.object({
  name: z.string().min(1),
  etag: z.string(),
  properties: z.looseObject({
    title: z.string().min(1),
    description: z.string().optional(),
    severity: z.enum(SEVERITIES),
    status: z.enum(STATUSES),
    classification: z.enum(CLASSIFICATIONS).optional(),
    classificationReason: z.enum(CLASSIFICATION_REASONS).optional(),
    classificationComment: z.string().optional(),
    owner: ownerSchema.default({}),
    labels: z.array(labelSchema).default([]),
    incidentNumber: z.number().int().positive(),
    createdTimeUtc: isoTime,
    lastModifiedTimeUtc: isoTime,
    firstActivityTimeUtc: isoTime.optional(),
    lastActivityTimeUtc: isoTime.optional(),
    providerName: z.string().default('Azure Sentinel'),
    providerIncidentId: z.string().optional(),
    relatedAnalyticRuleIds: z.array(z.string()).default([]),
    additionalData: z.record(z.string(), z.unknown()).default({}),
  }),
  comments: z.array(commentSchema).default([]),
  tasks: z.array(taskSchema).default([]),
  entities: z.array(entitySchema).default([]),
  alerts: z.array(alertSchema).default([]),
});

export const sentinelWorldSchema = z.object({
  subscriptionId: z.string(),
  resourceGroup: z.string(),
  workspaceName: z.string(),
  workspaceId: z.string(),
  incidents: z.array(incidentSchema),
});

const graphUserSchema = z.object({
  id: z.string(),
  userPrincipalName: z.string(),
  displayName: z.string(),
  givenName: z.string().nullable().default(null),
  surname: z.string().nullable().default(null),
  mail: z.string().nullable(),
  jobTitle: z.string().nullable().default(null),
  officeLocation: z.string().nullable().default(null),
  accountEnabled: z.boolean(),
  /** Object id of the user's manager, if any. */
  managerId: z.string().optional(),
  signInSessionsValidFromDateTime: isoTime.optional(),
});

const riskyUserSchema = z.object({
  id: z.string(),
  userPrincipalName: z.string(),
  riskState: z.enum(['none', 'confirmedSafe', 'remediated', 'dismissed', 'atRisk', 'confirmedCompromised']),
  riskLevel: z.enum(['low', 'medium', 'high', 'hidden', 'none']),
  riskLastUpdatedDateTime: isoTime,
});

export const graphWorldSchema = z.object({
  users: z.array(graphUserSchema),
  riskyUsers: z.array(riskyUserSchema).default([]),
});

const emailRecipientSchema = z.object({ address: z.string(), displayName: z.string().optional() });

const sentEmailSchema = z.object({
  operationId: z.string(),
  senderAddress: z.string(),
  to: z.array(emailRecipientSchema),
  cc: z.array(emailRecipientSchema),
  bcc: z.array(emailRecipientSchema),
  subject: z.string(),
  html: z.string().optional(),
  plainText: z.string().optional(),
  time: isoTime,
});

const emailOperationSchema = z.object({
  id: z.string(),
  status: z.enum(['NotStarted', 'Running', 'Succeeded', 'Failed', 'Canceled']),
  /** Polls answered so far: the first poll says Running, the next one the final status. */
  polls: z.number().int().nonnegative(),
  finalStatus: z.enum(['Succeeded', 'Failed']),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export const emailWorldSchema = z.object({
  /** Sender addresses on domains linked to the ACS resource. */
  senderAddresses: z.array(z.string()),
  outbox: z.array(sentEmailSchema).default([]),
  operations: z.array(emailOperationSchema).default([]),
});

export type SentinelWorld = z.output<typeof sentinelWorldSchema>;
export type SentinelIncident = SentinelWorld['incidents'][number];
export type GraphWorld = z.output<typeof graphWorldSchema>;
export type GraphUser = GraphWorld['users'][number];
export type EmailWorld = z.output<typeof emailWorldSchema>;

export interface World {
  sentinel: SentinelWorld;
  graph: GraphWorld;
  email: EmailWorld;
  github: GitHubWorld;
  azdo: AzdoWorld;
}

const sliceSchemas = {
  sentinel: sentinelWorldSchema,
  graph: graphWorldSchema,
  email: emailWorldSchema,
  github: GitHubWorldSchema,
  azdo: AzdoWorldSchema,
} as const;

type SliceName = keyof typeof sliceSchemas;
const SLICES = Object.keys(sliceSchemas) as SliceName[];

export class WorldValidationError extends Error {
  constructor(
    readonly source: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(`Invalid sandbox world (${source}):\n` + issues.map((i) => `  ${i.path}: ${i.message}`).join('\n'));
    this.name = 'WorldValidationError';
  }
}

/** Folder of the default seed world, in the source tree (JSON is not compiled into dist/). */
const defaultWorldDir = fileURLToPath(new URL('../../../src/sandbox/worlds/default/', import.meta.url));

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new WorldValidationError(file, [{ path: '(file)', message: (err as Error).message }]);
  }
}

/**
 * Builds a validated seed world from a world file path or object (`{sentinel?, graph?, email?, github?, azdo?}`);
 * every missing slice comes from the default world. Throws WorldValidationError naming each invalid path.
 */
export function loadWorld(input: string | object = {}): World {
  const source = typeof input === 'string' ? input : 'world object';
  const raw = typeof input === 'string' ? readJson(input) : input;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new WorldValidationError(source, [{ path: '(root)', message: 'expected a JSON object' }]);
  }
  const given = raw as Record<string, unknown>;
  const unknownSlices = Object.keys(given).filter((k) => !(SLICES as string[]).includes(k));
  const issues = unknownSlices.map((k) => ({ path: k, message: `unknown slice (expected one of ${SLICES.join(', ')})` }));
  const world: Record<string, unknown> = {};
  for (const slice of SLICES) {
    const sliceSource = slice in given ? given[slice] : readJson(defaultWorldDir + slice + '.json');
    const parsed = sliceSchemas[slice].safeParse(structuredClone(sliceSource));
    if (parsed.success) world[slice] = parsed.data;
    else issues.push(...parsed.error.issues.map((i) => ({ path: [slice, ...i.path].join('.'), message: i.message })));
  }
  if (issues.length > 0) throw new WorldValidationError(source, issues);
  return world as unknown as World;
}
