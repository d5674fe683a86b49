// POST /api/incidents (the relay's target) and GET /api/intake (the ledger). Registered through a
// factory so that the real app and test apps register the same code with their own catalogue.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { redact } from '../clients/redact.js';
import { parseIsoDateTime } from '../incident/time.js';
import { parseUntrustedJson, UntrustedJsonError, type JsonValue } from '../incident/untrustedJson.js';
import type { Incident } from '../incident/model.js';
import type { FieldError } from '../incident/schema.js';
import { durableClient } from './client.js';
import { loadNormalise } from './lazy.js';
import { ledgerRecord, parseLedgerCursor, queryLedger, recordDelivery, registerLedgerOrchestration } from './ledger.js';
import { matchPlaybooks } from './match.js';
import { startRuns, type Delivery } from './runs.js';
import { checkedCatalogue, type CatalogueSource, type PlaybookEntry } from './trigger.js';

// Required, not imported: an ESM import of this CommonJS package makes Node scan its whole bundle for export
// names on every cold start (as in catalogueApi.ts).
const { app } = createRequire(import.meta.url)('@azure/functions') as typeof import('@azure/functions');

/** Largest accepted body. Sentinel incidents with 150 alerts and their entities stay well below. */
export const MAX_BODY_BYTES = 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface IntakeOptions {
  catalogue: CatalogueSource;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: FieldError[] };
}

export function registerIntake(options: IntakeOptions): void {
  const catalogue = checkedCatalogue(options.catalogue);
  registerLedgerOrchestration();
  app.http('incidentWebhook', {
    route: 'incidents',
    methods: ['POST'],
    authLevel: 'function',
    extraInputs: [df.input.durableClient()],
    handler: (request, context) => receiveIncident(request, context, catalogue()),
  });
  app.http('intakeLedger', {
    route: 'intake',
    methods: ['GET'],
    authLevel: 'function',
    extraInputs: [df.input.durableClient()],
    handler: listDeliveries,
  });
}

async function receiveIncident(request: HttpRequest, context: InvocationContext, catalogue: readonly PlaybookEntry[]): Promise<HttpResponseInit> {
  if (!isJsonMediaType(request.headers.get('content-type'))) {
    return error(415, 'unsupported_media_type', 'Send the incident as application/json.');
  }
  const declaredLength = Number(request.headers.get('content-length') ?? '0');
  if (declaredLength > MAX_BODY_BYTES) return tooLarge();
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_BODY_BYTES) return tooLarge();

  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return error(400, 'invalid_json', 'Body is not valid UTF-8.');
  }
  const { clean, normaliseIncident, IncidentValidationError } = loadNormalise(); // zod: loaded on first use
  let incident;
  let body: JsonValue;
  try {
    body = parseUntrustedJson(text);
    incident = normaliseIncident(body);
  } catch (err) {
    if (err instanceof IncidentValidationError) {
      const more = err.omitted > 0 ? `; ${err.omitted} more invalid fields are not listed` : '';
      return error(400, 'invalid_incident', `The body is not a valid Sentinel incident${more}.`, err.details);
    }
    if (err instanceof UntrustedJsonError) return error(400, 'invalid_json', err.message);
    throw err;
  }

  const foreign = foreignWorkspace(incident, body);
  if (foreign) return error(400, 'invalid_incident', 'The incident belongs to another Sentinel workspace.', [foreign]);

  const delivery: Delivery = { deliveryId: randomUUID(), receivedAtUtc: new Date().toISOString(), source: 'webhook' };
  const routing = matchPlaybooks(incident, catalogue);
  const client = durableClient(context);
  const { runs, failed } = await startRuns(client, incident, routing.matches, delivery);
  context.log(
    `Delivery ${delivery.deliveryId}: incident ${incident.number ?? incident.name} (${incident.eventType}) → ` +
      (routing.matches.length === 0 ? 'no playbook' : runs.map((r) => `${r.instanceId}${r.duplicate ? ' (duplicate)' : ''}`).join(', ') || 'no run started'),
  );
  const summary = { deliveryId: delivery.deliveryId, incident: { id: incident.id, number: incident.number ?? null } };
  // The relay retries 5xx. A retry is safe and finishes the job: run ids derive from the incident, so the runs that
  // started are duplicates then and only the others are started again.
  const retry = (message: string): HttpResponseInit => ({ status: 503, jsonBody: { error: { code: 'runs_not_started', message }, ...summary, runs, failed } });
  try {
    await recordDelivery(client, ledgerRecord(incident, delivery, { runs, failed }, { eventUniqueId: eventUniqueIdOf(body, clean), reason: routing.reason }));
  } catch (err) {
    context.error(`Delivery ${delivery.deliveryId}: recording it failed: ${redact((err as Error).message)}`);
    return retry("The durable runtime did not store the delivery's record; retry the delivery (runs that started are duplicates then).");
  }
  if (failed.length > 0) {
    context.error(`Delivery ${delivery.deliveryId}: starting runs failed: ${failed.map((f) => `${f.playbook}: ${f.error}`).join('; ')}`);
    const playbooks = `${failed.length} playbook${failed.length === 1 ? '' : 's'}`;
    return retry(`The durable runtime did not start the runs of ${playbooks}; retry the delivery (runs that started are duplicates then).`);
  }
  if (runs.length === 0) return { status: 200, jsonBody: { ...summary, runs, reason: routing.reason } };
  return { status: 202, jsonBody: { ...summary, runs } };
}

async function listDeliveries(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const details: FieldError[] = [];
  const since = request.query.get('since');
  const before = request.query.get('before');
  const topText = request.query.get('top');
  const incident = request.query.get('incident');
  const sinceDate = since === null ? undefined : parseIsoDateTime(since);
  if (since !== null && !sinceDate) details.push({ path: 'since', expected: 'ISO 8601 date-time with Z or an offset', received: since });
  const cursor = before === null ? undefined : parseLedgerCursor(before);
  if (before !== null && !cursor) details.push({ path: 'before', expected: "the previous page's next, or an ISO 8601 date-time with Z or an offset", received: before });
  const top = topText === null ? 100 : /^\d{1,4}$/.test(topText) ? Number(topText) : Number.NaN;
  if (!(top >= 1 && top <= 1000)) details.push({ path: 'top', expected: 'integer 1–1000 (plain digits)', received: topText ?? '' });
  if (details.length > 0) return error(400, 'invalid_query', 'The query is invalid.', details);
  const page = await queryLedger(durableClient(context), {
    top,
    ...(incident ? { incident } : {}),
    ...(sinceDate ? { since: sinceDate } : {}),
    ...(cursor ? { before: cursor } : {}),
  });
  return { status: 200, jsonBody: page };
}

/**
 * When the app is configured for one workspace (SENTINEL_SUBSCRIPTION_ID, SENTINEL_RESOURCE_GROUP,
 * SENTINEL_WORKSPACE_NAME, as the Sentinel actions use), an incident of any other workspace is refused:
 * playbooks would otherwise act on resources the sender chose.
 */
function foreignWorkspace(incident: Incident, body: JsonValue): FieldError | undefined {
  const expected = [process.env.SENTINEL_SUBSCRIPTION_ID, process.env.SENTINEL_RESOURCE_GROUP, process.env.SENTINEL_WORKSPACE_NAME];
  if (expected.some((v) => !v)) return undefined;
  const actual = [incident.workspace.subscriptionId, incident.workspace.resourceGroup, incident.workspace.workspaceName];
  if (actual.every((v, i) => v.toLowerCase() === expected[i]!.toLowerCase())) return undefined;
  const isRelayBody = body !== null && typeof body === 'object' && !Array.isArray(body) && 'object' in body;
  return {
    path: isRelayBody ? 'object.id' : 'id',
    expected: `an incident of workspace ${expected.join('/')}`,
    received: `an incident of workspace ${actual.join('/')}`,
  };
}

/**
 * application/json, in UTF-8: with no charset or charset utf-8. Not the +json types (a JSON patch is not an
 * incident), and not another charset, which the body would not be decoded in.
 */
function isJsonMediaType(header: string | null): boolean {
  const [type, ...parameters] = (header ?? '').split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return parameters.every((p) => !p.startsWith('charset=') || p.slice('charset='.length).replace(/^"(.*)"$/, '$1') === 'utf-8');
}

/** The relay body's eventUniqueId (already validated as a short string when present). */
function eventUniqueIdOf(body: JsonValue, clean: (s: string, max: number, singleLine: boolean) => string): string | undefined {
  const value = body !== null && typeof body === 'object' && !Array.isArray(body) ? body.eventUniqueId : undefined;
  return typeof value === 'string' && value !== '' ? clean(value, 256, true) : undefined;
}

function tooLarge(): HttpResponseInit {
  return error(413, 'payload_too_large', `The body exceeds ${MAX_BODY_BYTES} bytes.`);
}

function error(status: number, code: string, message: string, details?: FieldError[]): HttpResponseInit {
  const body: ErrorBody = { error: { code, message, ...(details ? { details } : {}) } };
  return { status, jsonBody: body };
}
