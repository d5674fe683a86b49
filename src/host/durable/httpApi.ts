// The Durable HTTP API (HttpApiHandler of the extension), served under /runtime/webhooks/durabletask/ (needs
// the function key, like Azure's system key) and under the client's rpc base /durabletask/ (loopback only,
// as the extension's local RPC endpoint is). Unmodified `df.getClient(context)` code talks to it.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  InstanceExistsError,
  InstanceGoneError,
  InstanceNotFoundError,
  InstanceNotTerminalError,
  InvalidRequestError,
  OrchestratorNotFoundError,
} from './errors.js';
import type { DurableRuntime, OrchestrationStatus, QueryOptions } from './runtime.js';
import type { QueryRuntimeStatus } from './store.js';

/** The extension's OrchestrationRuntimeStatus names (Canceled included: valid, though no instance here has it). */
const runtimeStatuses: ReadonlySet<string> = new Set<QueryRuntimeStatus>([
  'Pending',
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Canceled',
  'Terminated',
  'Suspended',
]);
const runningStatuses: ReadonlySet<string> = new Set(['Pending', 'Running', 'ContinuedAsNew', 'Suspended']);
const maxBodyBytes = 16 * 1024 * 1024;
const publicPrefix = '/runtime/webhooks/durabletask';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

export async function handleDurableHttp(
  runtime: DurableRuntime,
  auth: { functionKey: string },
  req: IncomingMessage,
  res: ServerResponse,
  subPath: string,
): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!authorized(req, url, auth.functionKey)) {
      res.writeHead(401, { 'Content-Length': '0' }).end();
      return;
    }
    await route(runtime, req, res, url, subPath.replace(/^\/+/, ''));
  } catch (err) {
    const e = toHttpError(err);
    if (!e) {
      res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ Message: 'Internal error.', code: 'InternalError' }));
      throw err;
    }
    const body: Record<string, string> = { Message: e.message, code: e.code };
    if (e.path) body.path = e.path;
    res.writeHead(e.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  }
}

function authorized(req: IncomingMessage, url: URL, functionKey: string): boolean {
  if (url.pathname.startsWith(`${publicPrefix}/`) || url.pathname === publicPrefix) {
    const given = url.searchParams.get('code') ?? headerValue(req, 'x-functions-key');
    return given !== undefined && sameSecret(given, functionKey);
  }
  // The rpc base: the extension serves it to the worker on loopback only.
  const remote = req.socket.remoteAddress ?? '';
  return remote === '127.0.0.1' || remote === '::1' || remote === '::ffff:127.0.0.1';
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function route(runtime: DurableRuntime, req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
  // As the extension does: the whole path is decoded (WebUtility.UrlDecode), then matched to the routes.
  const segments = urlDecode(path).split('/').filter((s) => s !== '');
  const method = req.method ?? 'GET';
  // The extension reads the query through a NameValueCollection: parameter names match case-insensitively.
  const q = new Query(url.searchParams);
  const [head, a, b, c] = segments;

  if (head === 'orchestrators' && a && segments.length <= 3 && method === 'POST') {
    const inputJson = jsonBody(await readBody(req), 'body');
    // createAndWaitOnNewInstancePostUri: with both timeout and pollingInterval (seconds), the extension waits
    // for the instance to end (WaitForCompletionOrCreateCheckStatusResponseAsync).
    const timeout = q.seconds('timeout');
    const pollingInterval = q.seconds('pollingInterval');
    const wait = timeout !== undefined && pollingInterval !== undefined;
    if (wait && pollingInterval > timeout) {
      // Deliberately unlike the extension, which starts the instance and only then answers this 400: a bad
      // request gets a clear error and changes nothing, so the check comes before the start.
      throw new HttpError(400, 'InvalidRequest', `Total timeout ${timeout} should be bigger than retry timeout ${pollingInterval}`);
    }
    const id = await runtime.startNewJson(a, { instanceId: b, inputJson, version: q.get('version') ?? undefined });
    const payload = runtime.managementPayload(id);
    if (!wait) {
      sendCheckStatus(res, payload);
      return;
    }
    await sendWhenCompleted(runtime, res, q, id, payload, timeout * 1000);
    return;
  }
  if (head === 'instances' && !a) {
    const filter = parseFilter(q);
    if (method === 'GET') {
      const token = headerValue(req, 'x-ms-continuation-token');
      const top = q.get('top');
      // ShowInput defaults to true (OrchestrationStatusQueryCondition); the JS client only ever sends showInput=true.
      const options: QueryOptions = { ...filter, showInput: q.bool('showInput', true) };
      const prefix = q.get('instanceIdPrefix');
      if (prefix) options.instanceIdPrefix = prefix;
      if (token) options.continuationToken = token;
      if (top !== null) options.top = parseTop(top);
      const page = await runtime.query(options);
      send(res, 200, page.instances, page.continuationToken ? { 'x-ms-continuation-token': page.continuationToken } : {});
      return;
    }
    if (method === 'DELETE') {
      // HandleDeleteHistoryWithFiltersRequestAsync: purging by filter needs a creation time to start from.
      if (!filter.createdTimeFrom) {
        throw new HttpError(400, 'InvalidQuery', "Please provide value for 'createdTimeFrom' parameter.", 'createdTimeFrom');
      }
      const deleted = await runtime.purgeBy(filter);
      send(res, deleted > 0 ? 200 : 404, { instancesDeleted: deleted });
      return;
    }
  }
  if (head === 'instances' && a && !b) {
    if (method === 'GET') {
      const status = await runtime.getStatus(a, statusOptions(q));
      if (!status) throw new InstanceNotFoundError(a);
      const code = statusCode(status, q.bool('returnInternalServerErrorOnFailure', false));
      // HttpApiHandler.HandleGetStatusRequestAsync: a 202 points back at the request and asks for 5 s.
      send(res, code, status, code === 202 ? { Location: requestUri(req), 'Retry-After': '5' } : {});
      return;
    }
    if (method === 'DELETE') {
      const deleted = await runtime.purge(a);
      send(res, deleted > 0 ? 200 : 404, { instancesDeleted: deleted });
      return;
    }
  }
  if (head === 'instances' && a && method === 'POST') {
    const reason = q.get('reason') ?? undefined;
    if (b === 'raiseEvent' && c && segments.length === 4) {
      await runtime.raiseEventJson(a, c, jsonBody(await readBody(req), 'body'));
      send(res, 202, undefined);
      return;
    }
    if (segments.length === 3 && (b === 'terminate' || b === 'suspend' || b === 'resume')) {
      await runtime[b](a, reason);
      send(res, 202, undefined);
      return;
    }
    if (segments.length === 3 && (b === 'rewind' || b === 'restart')) {
      throw new HttpError(501, 'NotImplemented', `The ${b} operation is not supported by the local host.`);
    }
  }
  if (head === 'entities') {
    throw new HttpError(501, 'NotImplemented', 'Durable entities are not supported by the local host.');
  }
  throw new HttpError(404, 'NotFound', `No Durable HTTP API route for ${method} /${path}.`);
}

const utf8 = new TextDecoder('utf-8');

/**
 * WebUtility.UrlDecode: `+` is a space, `%XX` a byte (byte runs read as UTF-8, invalid sequences as U+FFFD),
 * and an escape that is not two hex digits stays as it is (`100%`, `%zz`) instead of failing the request.
 */
export function urlDecode(text: string): string {
  if (!/[%+]/.test(text)) return text;
  let out = '';
  const bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length === 0) return;
    out += utf8.decode(Uint8Array.from(bytes));
    bytes.length = 0;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x2b /* + */) {
      bytes.push(0x20);
      continue;
    }
    if (ch === 0x25 /* % */ && i < text.length - 2) {
      const hex = text.slice(i + 1, i + 3);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
        continue;
      }
    }
    if (ch < 0x80) {
      bytes.push(ch);
    } else {
      flush();
      out += text[i];
    }
  }
  flush();
  return out;
}

/** 202 while the instance still runs, 200 once it has ended; 500 for Failed when asked (HttpApiHandler). */
function statusCode(status: OrchestrationStatus, internalServerErrorOnFailure: boolean): number {
  if (runningStatuses.has(status.runtimeStatus)) return 202;
  return status.runtimeStatus === 'Failed' && internalServerErrorOnFailure ? 500 : 200;
}

/**
 * WaitForCompletionOrCreateCheckStatusResponseAsync: waits up to `timeoutMs` for the instance to end. Completed:
 * 200 with the output. Failed, Terminated: the status answer, with returnInternalServerErrorOnFailure false (the
 * extension passes false on this path, so a Failed instance answers 200 whatever the query says). Still
 * running: the check-status answer. The wait subscribes to the instance's end, so it answers as soon as the
 * instance ends rather than at the next polling interval.
 */
async function sendWhenCompleted(
  runtime: DurableRuntime,
  res: ServerResponse,
  q: Query,
  id: string,
  payload: Record<string, string>,
  timeoutMs: number,
): Promise<void> {
  const completed = await runtime.waitForCompletion(id, timeoutMs);
  const status = completed ? await runtime.getStatus(id, statusOptions(q)) : undefined;
  if (!status || runningStatuses.has(status.runtimeStatus)) {
    sendCheckStatus(res, payload);
  } else if (status.runtimeStatus === 'Completed') {
    send(res, 200, status.output ?? null);
  } else {
    send(res, statusCode(status, false), status);
  }
}

/** What a status answer shows, from the query: history off, input on, unless asked otherwise. */
function statusOptions(q: Query): { showHistory: boolean; showHistoryOutput: boolean; showInput: boolean } {
  return {
    showHistory: q.bool('showHistory', false),
    showHistoryOutput: q.bool('showHistoryOutput', false),
    showInput: q.bool('showInput', true),
  };
}

/** The extension's check-status answer (CreateCheckStatusResponseMessage): 202, Location, Retry-After: 10. */
function sendCheckStatus(res: ServerResponse, payload: Record<string, string>): void {
  send(res, 202, payload, { Location: payload.statusQueryGetUri!, 'Retry-After': '10' });
}

/** The absolute URI of the request, as the extension sees it (request.RequestUri). */
function requestUri(req: IncomingMessage): string {
  return `http://${headerValue(req, 'host') ?? 'localhost'}${req.url ?? '/'}`;
}

function parseFilter(q: Query): Pick<QueryOptions, 'createdTimeFrom' | 'createdTimeTo' | 'runtimeStatus'> {
  const filter: Pick<QueryOptions, 'createdTimeFrom' | 'createdTimeTo' | 'runtimeStatus'> = {};
  for (const key of ['createdTimeFrom', 'createdTimeTo'] as const) {
    const text = q.get(key);
    if (text === null || text === '') continue;
    const date = new Date(text);
    if (Number.isNaN(date.getTime())) throw new HttpError(400, 'InvalidQuery', `${key} is not a date: ${text}`, key);
    filter[key] = date;
  }
  const statuses = q.get('runtimeStatus');
  if (statuses) {
    const list = statuses.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const unknown = list.filter((s) => !runtimeStatuses.has(s));
    if (unknown.length > 0) {
      throw new HttpError(400, 'InvalidQuery', `runtimeStatus has unknown values: ${unknown.join(', ')}`, 'runtimeStatus');
    }
    filter.runtimeStatus = list as QueryRuntimeStatus[];
  }
  return filter;
}

/** Query parameters as the extension reads them: names case-insensitive, booleans as .NET bool.TryParse does. */
class Query {
  readonly #params: URLSearchParams;

  constructor(params: URLSearchParams) {
    this.#params = params;
  }

  get(name: string): string | null {
    const exact = this.#params.get(name);
    if (exact !== null) return exact;
    const lower = name.toLowerCase();
    for (const [key, value] of this.#params) if (key.toLowerCase() === lower) return value;
    return null;
  }

  /** A number of seconds (TimeSpan.FromSeconds of a double); undefined when absent or not a finite number. */
  seconds(name: string): number | undefined {
    const text = this.get(name)?.trim();
    if (!text) return undefined;
    const value = Number(text);
    return Number.isFinite(value) ? value : undefined;
  }

  /** "true"/"false" in any case, blanks around allowed; anything else (or nothing) gives the default. */
  bool(name: string, fallback: boolean): boolean {
    const text = this.get(name)?.trim().toLowerCase();
    return text === 'true' ? true : text === 'false' ? false : fallback;
  }
}

function parseTop(text: string): number {
  const top = Number(text);
  if (!Number.isInteger(top) || top < 1) throw new HttpError(400, 'InvalidQuery', `top must be a positive integer: ${text}`, 'top');
  return top;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new HttpError(413, 'PayloadTooLarge', `The request body exceeds ${maxBodyBytes} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The body as JSON text (null when empty); invalid JSON is a 400 naming the field. */
function jsonBody(text: string, path: string): string | null {
  if (text.trim() === '') return null;
  try {
    JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, 'InvalidJson', `${path} is not valid JSON: ${(err as Error).message}`, path);
  }
  return text;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, { ...headers, 'Content-Length': '0' }).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) }).end(text);
}

function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof InvalidRequestError) return new HttpError(400, 'InvalidRequest', err.message, err.path);
  if (err instanceof OrchestratorNotFoundError) return new HttpError(400, 'OrchestratorNotFound', err.message, 'functionName');
  if (err instanceof InstanceNotFoundError) return new HttpError(404, 'InstanceNotFound', err.message);
  if (err instanceof InstanceGoneError) return new HttpError(410, 'InstanceGone', err.message);
  if (err instanceof InstanceExistsError) return new HttpError(409, 'InstanceExists', err.message, 'instanceId');
  // HandleDeleteHistoryByIdRequestAsync answers 412 Precondition Failed for an instance not in a terminal state.
  if (err instanceof InstanceNotTerminalError) return new HttpError(412, 'InstanceNotTerminal', err.message);
  return undefined;
}
