// Relay body or bare ARM incident → one typed, frozen Incident. Everything in it is untrusted text:
// strings are made well-formed, stripped of control and bidi-override characters, redacted (a credential pasted
// into an incident must not reach run input, history, comments or mail) and capped; nothing is evaluated and no
// URL is followed.
import { z } from 'zod';
import { redactor } from '../clients/redact.js';
import { toIncident } from './accessors.js';
import {
  ENTITY_KINDS,
  type AlertData,
  type CommentData,
  type EntityData,
  type EventType,
  type Incident,
  type IncidentData,
  type IncidentLabel,
  type IncidentOwner,
  type KnownEntityKind,
} from './model.js';
import {
  armIncidentSchema,
  describeValue,
  formatPath,
  INCIDENT_ID_PATTERN,
  relayBodySchema,
  toFieldErrors,
  type ArmAlert,
  type ArmEntity,
  type ArmIncident,
  type FieldError,
  type RelayBody,
} from './schema.js';
import { parseIsoDateTime } from './time.js';
import { isForbiddenKey, parseUntrustedJson, type JsonObject, type JsonValue } from './untrustedJson.js';

export const TITLE_MAX = 1024;
export const DESCRIPTION_MAX = 20_000;
export const COMMENT_MAX = 30_000;
export const TEXT_MAX = 4096;

/** Most field errors one answer lists; the rest are counted (a body of 32,000 bad entities must not get a 3.5 MB answer). */
export const MAX_ERROR_DETAILS = 50;

export class IncidentValidationError extends Error {
  override name = 'IncidentValidationError';
  /** How many more invalid fields there are than `details` lists. */
  readonly omitted: number;
  constructor(
    readonly details: FieldError[],
    total = details.length,
  ) {
    const omitted = total - details.length;
    super(`The incident is invalid: ${details.map((d) => `${d.path} (expected ${d.expected})`).join('; ')}${omitted > 0 ? `; and ${omitted} more` : ''}`);
    this.omitted = omitted;
  }
}

/** Typed property checks for the entity kinds the accessors read. */
const entityProperties: Record<string, z.ZodType> = {
  Account: z.object({
    accountName: z.string().nullish(),
    upnSuffix: z.string().nullish(),
    aadUserId: z.string().nullish(),
    aadTenantId: z.string().nullish(),
    displayName: z.string().nullish(),
  }),
  Ip: z.object({ address: z.string().min(1) }),
  Url: z.object({ url: z.string().min(1) }),
  Host: z.object({ hostName: z.string().nullish(), dnsDomain: z.string().nullish() }),
  CloudApplication: z.object({ appId: z.number().nullish(), appName: z.string().nullish() }),
  File: z.object({ fileName: z.string().nullish(), directory: z.string().nullish() }),
  FileHash: z.object({ hashValue: z.string().nullish(), algorithm: z.string().nullish() }),
};

/**
 * The redaction clean() applies: secret settings' values and credential shapes, never the carrier patterns that
 * also match ordinary words (a title "Sign-ins using Basic authentication" must still match its playbook). While
 * an incident is normalised, one redactor serves all its text.
 */
let redactText: ((text: string) => string) | undefined;

function redactIncidentText(text: string): string {
  return (redactText ?? redactor({ carriers: false }))(text);
}

/**
 * Validates and normalises what the webhook received (already parsed with parseUntrustedJson).
 * Throws IncidentValidationError listing every invalid path (the first MAX_ERROR_DETAILS of them).
 */
export function normaliseIncident(body: unknown): Incident {
  // Synchronous, so no other normalisation can see this redactor; it reads the secret settings once, not per text.
  redactText = redactor({ carriers: false });
  try {
    return normalise(body);
  } finally {
    redactText = undefined;
  }
}

function normalise(body: unknown): Incident {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new IncidentValidationError([
      { path: '(body)', expected: 'a Sentinel incident trigger body or ARM incident object', received: describeValue(body) },
    ]);
  }
  const isRelayBody = ['objectSchemaType', 'objectEventType', 'workspaceInfo', 'object'].some((k) => Object.hasOwn(body, k));
  const parsed = isRelayBody ? relayBodySchema.safeParse(body) : armIncidentSchema.safeParse(body);
  // Every invalid field in one answer: the checks across fields run on the raw body even when the schema failed,
  // and report only paths the schema has not.
  const issues = parsed.error?.issues ?? [];
  const schemaPaths = new Set(issues.map((issue) => formatPath(issue.path)));
  const checks = crossFieldErrors(body as JsonObject, isRelayBody).filter((e) => !schemaPaths.has(e.path));
  if (issues.length > 0 || checks.length > 0) {
    const details = [...toFieldErrors(issues, body, MAX_ERROR_DETAILS), ...checks].slice(0, MAX_ERROR_DETAILS);
    throw new IncidentValidationError(details, issues.length + checks.length);
  }
  const relay = isRelayBody ? (parsed.data as RelayBody) : undefined;
  const arm = relay ? relay.object : (parsed.data as ArmIncident);
  const eventType: EventType = relay ? relay.objectEventType : 'Create';
  const workspaceId = relay?.workspaceId.toLowerCase();
  const [, subscriptionId, resourceGroup, workspaceName, name] = INCIDENT_ID_PATTERN.exec(arm.id) as unknown as [string, string, string, string, string];
  const entities = (arm.properties.relatedEntities ?? []).map(normaliseEntity);

  const p = arm.properties;
  const alerts = (p.alerts ?? []).map(normaliseAlert);
  const ruleIds = (p.relatedAnalyticRuleIds ?? []).map((id) => clean(id, TEXT_MAX, true));
  const data: IncidentData = {
    id: arm.id,
    name,
    ...opt('etag', arm.etag, TEXT_MAX),
    workspace: { subscriptionId: subscriptionId.toLowerCase(), resourceGroup, workspaceName, ...(workspaceId ? { workspaceId } : {}) },
    eventType,
    ...(p.incidentNumber != null ? { number: p.incidentNumber } : {}),
    title: clean(p.title, TITLE_MAX, true),
    description: clean(p.description ?? '', DESCRIPTION_MAX, false),
    severity: p.severity,
    status: p.status,
    ...(p.classification != null ? { classification: p.classification } : {}),
    ...opt('classificationReason', p.classificationReason, TEXT_MAX),
    owner: normaliseOwner(p.owner),
    labels: dedupe((p.labels ?? []).map((l): IncidentLabel => ({ name: clean(l.labelName, TEXT_MAX, true), type: clean(l.labelType ?? 'User', 64, true) })), (l) => l.name.toLowerCase()),
    analyticRuleIds: ruleIds,
    analyticRuleGuids: dedupe(
      [...ruleIds.map((id) => lastSegment(id)), ...alerts.flatMap((a) => ruleIdsOf(a.additionalData))].map((s) => s.toLowerCase()),
      (s) => s,
    ),
    analyticRuleNames: dedupe(alerts.flatMap((a) => ruleNameOf(a.additionalData)), (s) => s.toLowerCase()),
    tactics: dedupe(cleanList([...(p.additionalData?.tactics ?? []), ...alerts.flatMap((a) => a.tactics)]), (s) => s.toLowerCase()),
    techniques: dedupe(cleanList([...(p.additionalData?.techniques ?? []), ...alerts.flatMap((a) => a.techniques)]), (s) => s.toLowerCase()),
    productNames: dedupe(
      cleanList([...(p.additionalData?.alertProductNames ?? []), ...alerts.flatMap((a) => (a.productName ? [a.productName] : []))]),
      (s) => s.toLowerCase(),
    ),
    provider: clean(p.providerName ?? 'Azure Sentinel', TEXT_MAX, true),
    ...opt('providerIncidentId', p.providerIncidentId, TEXT_MAX),
    ...opt('portalUrl', p.incidentUrl, TEXT_MAX),
    ...optTime('createdTimeUtc', p.createdTimeUtc),
    ...optTime('lastModifiedTimeUtc', p.lastModifiedTimeUtc),
    ...optTime('firstActivityTimeUtc', p.firstActivityTimeUtc),
    ...optTime('lastActivityTimeUtc', p.lastActivityTimeUtc),
    alerts,
    entities,
    comments: (p.comments ?? []).map(
      (c): CommentData => ({
        message: clean(c.properties.message, COMMENT_MAX, false),
        ...optTime('createdTimeUtc', c.properties.createdTimeUtc),
        ...opt('author', c.properties.author?.userPrincipalName ?? c.properties.author?.email ?? c.properties.author?.name, TEXT_MAX),
      }),
    ),
  };
  return toIncident(deepFreeze(data));
}

/** Parses untrusted JSON text and normalises it (UntrustedJsonError or IncidentValidationError on failure). */
export function parseIncident(text: string): Incident {
  return normaliseIncident(parseUntrustedJson(text));
}

/**
 * What the schema cannot check field by field: the relay's workspaceInfo and the name against the id, the time of
 * the change on an Update event, and the typed properties of each entity kind. Reads the raw body defensively:
 * whatever has the wrong shape is the schema's to report.
 */
function crossFieldErrors(body: JsonObject, isRelayBody: boolean): FieldError[] {
  const arm = isRelayBody ? body.object : body;
  if (!isObject(arm)) return [];
  const prefix: (string | number)[] = isRelayBody ? ['object'] : [];
  const errors: FieldError[] = [];
  let id = typeof arm.id === 'string' ? INCIDENT_ID_PATTERN.exec(arm.id) : null;
  // The id names the runs, and so reaches logs and run history: it may not carry a credential, and its segments are
  // not quoted in the other errors.
  if (id && redactIncidentText(id[0]) !== id[0]) {
    errors.push({ path: formatPath([...prefix, 'id']), expected: 'an incident ARM id with no credential in it', received: 'an id holding a credential' });
    id = null;
  }
  if (id && isRelayBody && isObject(body.workspaceInfo)) {
    const info = body.workspaceInfo;
    const pairs: [string, string][] = [
      ['SubscriptionId', id[1]!],
      ['ResourceGroupName', id[2]!],
      ['WorkspaceName', id[3]!],
    ];
    for (const [key, fromId] of pairs) {
      const value = info[key];
      if (typeof value === 'string' && value.toLowerCase() !== fromId.toLowerCase()) {
        errors.push({ path: `workspaceInfo.${key}`, expected: `the value in object.id ("${fromId}")`, received: describeValue(value) });
      }
    }
  }
  if (id && typeof arm.name === 'string' && arm.name.toLowerCase() !== id[4]!.toLowerCase()) {
    errors.push({ path: formatPath([...prefix, 'name']), expected: `the last segment of the id ("${id[4]}")`, received: describeValue(arm.name) });
  }
  // An Update's run id is made of the time of the change: without it, every later update would be a duplicate.
  if (isRelayBody && body.objectEventType === 'Update' && isObject(arm.properties) && arm.properties.lastModifiedTimeUtc == null) {
    errors.push({
      path: formatPath([...prefix, 'properties', 'lastModifiedTimeUtc']),
      expected: 'the time of the change (ISO 8601 date-time) on an Update event',
      received: describeValue(arm.properties.lastModifiedTimeUtc),
    });
  }
  const entities = isObject(arm.properties) ? arm.properties.relatedEntities : undefined;
  if (Array.isArray(entities)) {
    entities.forEach((e, i) => {
      if (!isObject(e) || typeof e.kind !== 'string') return;
      const kind = knownEntityKind(e.kind);
      const properties = e.properties ?? Object.create(null);
      if (!kind || !isObject(properties)) return;
      const checked = entityProperties[kind]!.safeParse(properties);
      if (checked.success) return;
      const at = formatPath([...prefix, 'properties', 'relatedEntities', i, 'properties']);
      for (const err of toFieldErrors(checked.error.issues, properties, Infinity)) errors.push({ ...err, path: `${at}.${err.path}` });
    });
  }
  return errors;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The kind as the model spells it, matched in any case; undefined for a kind the model does not type. */
function knownEntityKind(kind: string): KnownEntityKind | undefined {
  const given = kind.toLowerCase();
  return ENTITY_KINDS.find((k) => k.toLowerCase() === given);
}

function normaliseEntity(e: ArmEntity): EntityData {
  const kind = knownEntityKind(e.kind) ?? clean(e.kind, 64, true);
  const properties = (e.properties ?? Object.create(null)) as JsonObject;
  const friendly = properties.friendlyName;
  return {
    kind,
    ...opt('id', e.id, TEXT_MAX),
    ...(typeof friendly === 'string' ? { friendlyName: clean(friendly, TEXT_MAX, true) } : {}),
    properties: redactJson(properties) as JsonObject,
  };
}

function normaliseAlert(a: ArmAlert): AlertData {
  const p = a.properties;
  const additionalData = (p.additionalData ?? Object.create(null)) as JsonObject;
  return {
    ...opt('id', a.id, TEXT_MAX),
    ...opt('systemAlertId', p.systemAlertId, TEXT_MAX),
    displayName: clean(p.alertDisplayName ?? p.friendlyName ?? '', TITLE_MAX, true),
    ...opt('description', p.description, DESCRIPTION_MAX, false),
    ...opt('severity', p.severity, 64),
    ...opt('status', p.status, 64),
    ...opt('productName', p.productName, TEXT_MAX),
    ...opt('productComponentName', p.productComponentName, TEXT_MAX),
    ...opt('providerAlertId', p.providerAlertId, TEXT_MAX),
    tactics: cleanList(p.tactics ?? []),
    techniques: cleanList(p.techniques ?? []),
    ...optTime('startTimeUtc', p.startTimeUtc),
    ...optTime('endTimeUtc', p.endTimeUtc),
    customDetails: customDetailsOf(additionalData), // from the text as sent: each value is cleaned (and redacted) on its own
    additionalData: redactJson(additionalData) as JsonObject,
  };
}

const CUSTOM_DETAILS_KEYS = ['custom details', 'customdetails'];

/**
 * Sentinel puts an analytic rule's custom details in the alert's additionalData under "Custom Details",
 * as a JSON string of {name: [values]}. Accept an object as well, and scalar values.
 */
function customDetailsOf(additionalData: JsonObject): Record<string, readonly string[]> {
  const out = Object.create(null) as Record<string, string[]>;
  for (const key of Object.keys(additionalData)) {
    if (!CUSTOM_DETAILS_KEYS.includes(key.toLowerCase())) continue;
    const details = jsonish(additionalData[key]!);
    if (details === null || typeof details !== 'object' || Array.isArray(details)) continue;
    for (const [name, value] of Object.entries(details)) {
      const values = (Array.isArray(value) ? value : [value]).flatMap(scalarText);
      const cleanName = clean(name, 256, true);
      if (values.length > 0 && !isForbiddenKey(cleanName)) {
        out[cleanName] = dedupe(values.map((v) => clean(v, TEXT_MAX, true)), (v) => v);
      }
    }
  }
  return out;
}

function ruleIdsOf(additionalData: JsonObject): string[] {
  const value = jsonish(additionalData['Analytic Rule Ids'] ?? null);
  return (Array.isArray(value) ? value : [value]).flatMap(scalarText).map((id) => lastSegment(clean(id, TEXT_MAX, true)));
}

function ruleNameOf(additionalData: JsonObject): string[] {
  const value = additionalData['Analytic Rule Name'];
  return typeof value === 'string' && value !== '' ? [clean(value, TEXT_MAX, true)] : [];
}

/** Untrusted JSON kept as sent (entity properties, alert additionalData), with every key and string redacted. */
function redactJson(value: JsonValue): JsonValue {
  if (typeof value === 'string') return redactIncidentText(value);
  if (Array.isArray(value)) return value.map(redactJson);
  if (value === null || typeof value !== 'object') return value;
  const out = Object.create(null) as JsonObject;
  for (const [key, v] of Object.entries(value)) out[redactIncidentText(key)] = redactJson(v);
  return out;
}

/** A JSON value that may itself be JSON text (Sentinel stringifies nested data in additionalData). */
function jsonish(value: JsonValue): JsonValue {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  try {
    return parseUntrustedJson(trimmed, 16);
  } catch {
    return value;
  }
}

function scalarText(v: JsonValue | undefined): string[] {
  if (typeof v === 'string') return v === '' ? [] : [v];
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  return [];
}

function normaliseOwner(owner: ArmIncident['properties']['owner']): IncidentOwner {
  if (!owner) return {};
  return {
    ...opt('objectId', owner.objectId, 64),
    ...opt('email', owner.email, TEXT_MAX),
    ...opt('assignedTo', owner.assignedTo, TEXT_MAX),
    ...opt('userPrincipalName', owner.userPrincipalName, TEXT_MAX),
    ...opt('ownerType', owner.ownerType, 64),
  };
}

function lastSegment(id: string): string {
  const parts = id.split('/').filter((s) => s !== '');
  return parts[parts.length - 1] ?? id;
}

// C0/C1 controls (except tab and newlines), bidi marks (Arabic letter mark, LRM, RLM), embeddings, overrides and
// isolates, zero-width space, BOM, the interlinear annotation marks (U+FFF9–U+FFFB, which can hide text between
// them), and the invisible tag characters (U+E0000–U+E007F, used to hide text).
const UNSAFE_CHARS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200B\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF\uFFF9-\uFFFB\u{E0000}-\u{E007F}]/gu;

/** Line breaks folded into one space in single-line text: tab, CR, LF, and the Unicode line and paragraph separators. */
const LINE_BREAKS = /[\t\r\n\u2028\u2029]+/g;

/** Printable ASCII only (space to ~): the common case, which none of the replacements below change. */
const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Untrusted text made safe to store and display: well-formed, NFC, no control tricks, credentials redacted (before
 * the cap, which could cut a token short of its recognisable length), at most `max` characters.
 */
export function clean(s: string, max: number, singleLine: boolean): string {
  let out: string;
  if (PRINTABLE_ASCII.test(s)) {
    out = singleLine ? s.trim() : s; // nothing to replace or fold, and ASCII is already NFC
  } else {
    out = s.replace(LONE_SURROGATE, '\uFFFD').replace(UNSAFE_CHARS, '');
    if (singleLine) out = out.replace(LINE_BREAKS, ' ').trim();
    out = out.normalize('NFC');
  }
  out = redactIncidentText(out);
  if (out.length <= max) return out;
  let cut = max - 1;
  const code = out.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--; // do not split a surrogate pair
  return `${out.slice(0, cut)}…`;
}

function cleanList(list: readonly string[]): string[] {
  return list.map((s) => clean(s, 256, true)).filter((s) => s !== '');
}

function opt<K extends string>(key: K, value: string | null | undefined, max: number, singleLine = true): { [P in K]?: string } {
  return value == null || value === '' ? {} : ({ [key]: clean(value, max, singleLine) } as { [P in K]: string });
}

function optTime<K extends string>(key: K, value: string | null | undefined): { [P in K]?: string } {
  return value == null ? {} : ({ [key]: parseIsoDateTime(value)!.toISOString() } as { [P in K]: string }); // validated by the schema
}

function dedupe<T>(list: readonly T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return list.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
