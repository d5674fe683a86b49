// The handlers of the run operations API and the run timeline page. api.ts registers the routes and loads
// this module (and with it zod and the request schemas) on the first request.
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { html } from '../actions/html.js';
import { z } from 'zod';
import type { OperationsOptions } from './api.js';
import { DurableApi, runtimeStatuses, type InstanceJson, type RuntimeStatus } from './durableApi.js';
import { manualRunRequestSchema, startManualRun, type RunnablePlaybook, type RunUrls } from './manualRun.js';
import { renderRunListPage, renderRunPage } from './page.js';
import { getRun, isTerminal, listRuns, toSummary, type RunFilter } from './runs.js';

const ROUTE_PREFIX = '/api';

type Handler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export type OperationsHandlers = Record<'start' | 'list' | 'get' | 'history' | 'cancel' | 'approval' | 'listPage' | 'runPage', Handler>;

export function operationsHandlers<I>(o: OperationsOptions<I>): OperationsHandlers {
  const byName = new Map(o.playbooks.map((p) => [p.name, p]));
  const nameOf = (orchestration: string): string | undefined => o.playbooks.find((p) => p.orchestrationName === orchestration)?.name;

  return {
    async start(request, context) {
      const playbook = byName.get(request.params['name'] ?? '');
      if (!playbook) return error(404, 'playbook_not_found', `No playbook named '${request.params['name']}'. GET /api/playbooks lists them.`);
      const body = await jsonBody(request);
      if (!body.ok) return body.response;
      const parsed = manualRunRequestSchema.safeParse(body.value);
      if (!parsed.success) return invalid(parsed.error);
      const outcome = await startManualRun(playbook, parsed.data, o.manualRun(df.getClient(context)));
      if (!('run' in outcome)) return error(outcome.status, outcome.code, outcome.message, outcome.details);
      const urls = runUrls(request, outcome.run.instanceId);
      return { status: outcome.status, headers: { location: urls.run }, jsonBody: { ...outcome.run, urls } };
    },

    async list(request, context) {
      const query = parseListQuery(request, o.playbooks);
      if (!query.ok) return query.response;
      const page = await listRuns(DurableApi.fromContext(context), query.filter, query.paging, nameOf);
      return { status: 200, jsonBody: page };
    },

    async get(request, context) {
      const id = request.params['instanceId'] ?? '';
      const run = await getRun(DurableApi.fromContext(context), id, nameOf, o.titleOf);
      if (!run) return notFound(id);
      return { status: 200, jsonBody: { ...run, urls: runUrls(request, id) } };
    },

    async history(request, context) {
      const id = request.params['instanceId'] ?? '';
      const instance = await DurableApi.fromContext(context).status(id, { history: true });
      if (!instance) return notFound(id);
      return { status: 200, jsonBody: { format: HISTORY_FORMAT, exportedAt: new Date().toISOString(), ...instance } };
    },

    async cancel(request, context) {
      const id = request.params['instanceId'] ?? '';
      const body = await jsonBody(request, true);
      if (!body.ok) return body.response;
      const parsed = cancelSchema.safeParse(body.value ?? {});
      if (!parsed.success) return invalid(parsed.error);
      const durable = DurableApi.fromContext(context);
      const instance = await durable.status(id, { history: false });
      if (!instance) return notFound(id);
      if (isTerminal(instance.runtimeStatus)) return notRunning(instance);
      const reason = parsed.data.reason;
      // The durable client puts the reason into the URL as given, so it is encoded here.
      await df.getClient(context).terminate(id, encodeURIComponent(reason));
      const run = toSummary(instance, nameOf);
      let comment: { posted: boolean; error?: string } = { posted: false };
      if (run.incident) {
        try {
          await o.commentOnIncident(run.incident, cancelComment(run.playbook, id, reason, parsed.data.cancelledBy), id);
          comment = { posted: true };
        } catch (err) {
          comment = { posted: false, error: (err as Error).message };
        }
      }
      return { status: 202, jsonBody: { instanceId: id, status: 'Terminated', reason, comment, urls: runUrls(request, id) } };
    },

    async approval(request, context) {
      const id = request.params['instanceId'] ?? '';
      const body = await jsonBody(request);
      if (!body.ok) return body.response;
      const parsed = approvalSchema.safeParse(body.value);
      if (!parsed.success) return invalid(parsed.error);
      const instance = await DurableApi.fromContext(context).status(id, { history: true });
      if (!instance) return notFound(id);
      if (isTerminal(instance.runtimeStatus)) return notRunning(instance);
      const event = o.approvalEvent(instance, parsed.data.decision, parsed.data.approver);
      if (!event.ok) return error(409, 'no_pending_approval', event.message);
      await df.getClient(context).raiseEvent(id, event.name, event.data);
      return { status: 202, jsonBody: { instanceId: id, decision: parsed.data.decision, approver: parsed.data.approver, event: event.name } };
    },

    async listPage(request, context) {
      const query = parseListQuery(request, o.playbooks);
      if (!query.ok) return query.response;
      const page = await listRuns(DurableApi.fromContext(context), query.filter, query.paging, nameOf);
      const filter = { incident: request.query.get('incident') ?? '', playbook: request.query.get('playbook') ?? '', status: request.query.get('status') ?? '' };
      return htmlPage(200, renderRunListPage(page, { ...pageBase(request), filter }));
    },

    async runPage(request, context) {
      const id = request.params['instanceId'] ?? '';
      const run = await getRun(DurableApi.fromContext(context), id, nameOf, o.titleOf);
      if (!run) return htmlPage(404, `<!doctype html><title>Run not found</title><p>No run with this id.</p>`);
      return htmlPage(200, renderRunPage(run, pageBase(request)));
    },
  };
}

/** The format tag of `GET /api/runs/{id}/history` (what `soar export` writes and `soar replay` reads). */
export const HISTORY_FORMAT = 'soar-run-history/1';

const cancelSchema = z.strictObject({
  reason: z.string().trim().min(1).max(500).default('Cancelled by an analyst'),
  cancelledBy: z.string().trim().min(1).max(200).optional(),
});

const approvalSchema = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  approver: z.string().trim().min(1).max(320),
});

const MAX_TOP = 200;

function parseListQuery(request: HttpRequest, playbooks: readonly RunnablePlaybook[]):
  | { ok: true; filter: RunFilter; paging: { top: number; continuationToken?: string } }
  | { ok: false; response: HttpResponseInit } {
  const q = request.query;
  const details: { path: string; message: string }[] = [];
  const filter: RunFilter = {};
  const incident = q.get('incident');
  if (incident) filter.incident = incident;
  const playbook = q.get('playbook');
  if (playbook) {
    const found = playbooks.find((p) => p.name === playbook);
    if (found) filter.orchestrations = [found.orchestrationName];
    else details.push({ path: 'playbook', message: `no playbook named '${playbook}'` });
  }
  const status = q.get('status');
  if (status) {
    const wanted = status.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = wanted.filter((s) => !runtimeStatuses.some((r) => r.toLowerCase() === s.toLowerCase()));
    if (unknown.length > 0) details.push({ path: 'status', message: `unknown status ${unknown.join(', ')}; use ${runtimeStatuses.join(', ')}` });
    filter.statuses = wanted.map((s) => runtimeStatuses.find((r) => r.toLowerCase() === s.toLowerCase())).filter((s): s is RuntimeStatus => !!s);
  }
  for (const key of ['from', 'to'] as const) {
    const v = q.get(key);
    if (!v) continue;
    const ms = Date.parse(v);
    if (Number.isNaN(ms)) details.push({ path: key, message: 'not an ISO 8601 time' });
    else filter[key] = new Date(ms);
  }
  let top = 50;
  const topText = q.get('top');
  if (topText !== null) {
    top = Number(topText);
    if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) details.push({ path: 'top', message: `an integer from 1 to ${MAX_TOP}` });
  }
  if (details.length > 0) return { ok: false, response: error(400, 'invalid_query', 'The query is invalid.', details) };
  const token = q.get('continuationToken');
  return { ok: true, filter, paging: token ? { top, continuationToken: token } : { top } };
}

async function jsonBody(request: HttpRequest, optional = false): Promise<{ ok: true; value: unknown } | { ok: false; response: HttpResponseInit }> {
  const text = await request.text();
  if (text.trim() === '') {
    return optional ? { ok: true, value: undefined } : { ok: false, response: error(400, 'invalid_json', 'The request body must be a JSON object.') };
  }
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    return { ok: false, response: error(415, 'unsupported_media_type', 'Send the body as application/json.') };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, response: error(400, 'invalid_json', `The request body is not JSON: ${(err as Error).message}`) };
  }
}

function invalid(err: z.ZodError): HttpResponseInit {
  const details = err.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
  return error(400, 'invalid_request', `The request is invalid: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
}

function notFound(id: string): HttpResponseInit {
  return error(404, 'run_not_found', `No run with id '${id}'.`);
}

function notRunning(instance: InstanceJson): HttpResponseInit {
  return error(409, 'run_not_running', `Run '${instance.instanceId}' is ${instance.runtimeStatus}; only a running run can be changed.`);
}

function error(status: number, code: string, message: string, details?: unknown[]): HttpResponseInit {
  return { status, jsonBody: { error: details ? { code, message, details } : { code, message } } };
}

function runUrls(request: HttpRequest, instanceId: string): RunUrls {
  const origin = new URL(request.url).origin;
  const id = encodeURIComponent(instanceId);
  return {
    run: `${origin}${ROUTE_PREFIX}/runs/${id}`,
    page: `${origin}${ROUTE_PREFIX}/ui/runs/${id}`,
    cancel: `${origin}${ROUTE_PREFIX}/runs/${id}/cancel`,
    approval: `${origin}${ROUTE_PREFIX}/runs/${id}/approval`,
  };
}

function pageBase(request: HttpRequest): { basePath: string; code?: string } {
  const code = request.query.get('code');
  return code ? { basePath: `${ROUTE_PREFIX}/ui`, code } : { basePath: `${ROUTE_PREFIX}/ui` };
}

function htmlPage(status: number, body: string): HttpResponseInit {
  return {
    status,
    body,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
  };
}

function cancelComment(playbook: string, instanceId: string, reason: string, by: string | undefined): string {
  return html`<p><b>Playbook run cancelled</b>: ${playbook} (run <code>${instanceId}</code>)${by ? html` by ${by}` : ''}.</p><p>Reason: ${reason}</p>`.value;
}
