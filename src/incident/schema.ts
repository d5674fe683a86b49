// Schemas of what reaches the webhook: the body the relay forwards from the "Microsoft Sentinel incident"
// trigger, and a bare ARM incident resource. Unknown fields are tolerated (and dropped); nulls are accepted
// wherever a field is optional, because Logic Apps bodies carry them.
import { z } from 'zod';
import { CLASSIFICATIONS, EVENT_TYPES, SEVERITIES, STATUSES } from './model.js';
import { redactor } from '../clients/redact.js';
import { parseIsoDateTime } from './time.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * ASCII `text` in any letter case. ARM ids are case-insensitive, but the id pattern cannot use the i flag: with the
 * u flag (needed for resource group names), i lets U+017F pass as "s" and the Kelvin sign as "k".
 */
function anyCase(text: string): string {
  return text.replace(/[A-Za-z]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`).replaceAll('.', '\\.');
}

/** An incident's ARM id; the groups are subscription, resource group (Unicode letters allowed, as in Azure), workspace and incident name (ASCII). */
export const INCIDENT_ID_PATTERN = new RegExp(
  `^/${anyCase('subscriptions')}/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})` +
    `/${anyCase('resourceGroups')}/([\\p{L}\\p{N}._()-]{1,90})` +
    `/${anyCase('providers/Microsoft.OperationalInsights/workspaces')}/([A-Za-z0-9][A-Za-z0-9-]{2,62})` +
    `/${anyCase('providers/Microsoft.SecurityInsights/incidents')}/([A-Za-z0-9][A-Za-z0-9._-]{0,127})$`,
  'u',
);

const text = z.string();
const optText = z.string().nullish();
const optTime = z
  .string()
  .refine((s) => parseIsoDateTime(s) !== undefined, { message: 'ISO 8601 date-time with Z or an offset' })
  .nullish();
const stringList = z.array(z.string()).nullish();
const jsonObject = z.record(z.string(), z.unknown());

const owner = z
  .object({
    objectId: optText,
    email: optText,
    assignedTo: optText,
    userPrincipalName: optText,
    ownerType: optText,
  })
  .nullish();

const label = z.object({ labelName: z.string().min(1), labelType: optText });

const alert = z.object({
  id: optText,
  name: optText,
  kind: optText,
  properties: z.object({
    systemAlertId: optText,
    alertDisplayName: optText,
    friendlyName: optText,
    description: optText,
    severity: optText,
    status: optText,
    tactics: stringList,
    techniques: stringList,
    productName: optText,
    productComponentName: optText,
    providerAlertId: optText,
    startTimeUtc: optTime,
    endTimeUtc: optTime,
    additionalData: jsonObject.nullish(),
  }),
});

const entity = z.object({
  id: optText,
  name: optText,
  kind: z.string().min(1).max(64),
  properties: jsonObject.nullish(),
});

const comment = z.object({
  properties: z.object({
    message: z.string(),
    createdTimeUtc: optTime,
    author: z.object({ name: optText, email: optText, userPrincipalName: optText }).nullish(),
  }),
});

export const armIncidentSchema = z.object({
  id: z.string().max(1024, { abort: true }).regex(INCIDENT_ID_PATTERN, 'a Sentinel incident ARM id (/subscriptions/…/incidents/<name>)'),
  name: z.string().max(128).nullish(),
  etag: z.string().max(256).nullish(),
  properties: z.object({
    title: text,
    description: optText,
    severity: z.enum(SEVERITIES),
    status: z.enum(STATUSES),
    classification: z.enum(CLASSIFICATIONS).nullish(),
    classificationReason: optText,
    owner,
    labels: z.array(label).nullish(),
    firstActivityTimeUtc: optTime,
    lastActivityTimeUtc: optTime,
    lastModifiedTimeUtc: optTime,
    createdTimeUtc: optTime,
    incidentNumber: z.number().int().positive().nullish(),
    incidentUrl: optText,
    providerName: optText,
    providerIncidentId: optText,
    relatedAnalyticRuleIds: z.array(z.string().max(1024)).nullish(),
    additionalData: z
      .object({ alertProductNames: stringList, tactics: stringList, techniques: stringList })
      .nullish(),
    alerts: z.array(alert).nullish(),
    relatedEntities: z.array(entity).nullish(),
    comments: z.array(comment).nullish(),
  }),
});

export const relayBodySchema = z.object({
  eventUniqueId: z.string().max(256).nullish(),
  objectSchemaType: z.literal('Incident'),
  objectEventType: z.enum(EVENT_TYPES),
  workspaceInfo: z.object({
    SubscriptionId: z.string().regex(GUID, 'a subscription GUID'),
    ResourceGroupName: z.string().min(1).max(90),
    WorkspaceName: z.string().min(1).max(63),
  }),
  workspaceId: z.string().regex(GUID, 'a workspace GUID'),
  object: armIncidentSchema,
});

export type ArmIncident = z.infer<typeof armIncidentSchema>;
export type RelayBody = z.infer<typeof relayBodySchema>;
export type ArmAlert = z.infer<typeof alert>;
export type ArmEntity = z.infer<typeof entity>;

/** One invalid field, as the webhook reports it. */
export interface FieldError {
  path: string;
  expected: string;
  received: string;
}

/** Turns zod issues into field errors, describing what was received at each path of `input`. */
export function toFieldErrors(issues: readonly z.core.$ZodIssue[], input: unknown, limit = 50): FieldError[] {
  return issues.slice(0, limit).map((issue) => ({
    path: formatPath(issue.path),
    expected: describeExpected(issue),
    received: describeValue(valueAt(input, issue.path)),
  }));
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(body)' : out;
}

function describeExpected(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int' ? 'integer' : issue.expected;
    case 'invalid_value':
      return issue.values.length === 1
        ? JSON.stringify(issue.values[0])
        : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `string of at most ${issue.maximum} characters`
        : `${issue.origin} at most ${issue.maximum}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `non-empty string`
        : `${issue.origin} ${issue.inclusive ? 'at least' : 'greater than'} ${issue.minimum}`;
    default:
      return issue.message;
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const segment of path) {
    if (v === null || typeof v !== 'object') return undefined;
    if (!Object.hasOwn(v, segment)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[segment];
  }
  return v;
}

/** Short description of a received value: type, and a clipped preview for scalars. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `array(${v.length})`;
  if (typeof v === 'object') return 'object';
  if (typeof v === 'string') {
    // Error answers end up in the relay's run history: a credential in the rejected value is not echoed.
    const shown = redactor({ carriers: false })(v);
    const preview = shown.length > 40 ? `${shown.slice(0, 40)}…` : shown;
    return `string ${JSON.stringify(preview)}${v.length > 40 ? ` (${v.length} characters)` : ''}`;
  }
  return `${typeof v} ${String(v)}`;
}
