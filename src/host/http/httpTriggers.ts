// Serves the app's httpTrigger functions under /{routePrefix}/{route}: route matching, the methods filter
// (an unmatched method is a 404, as in Azure), auth levels, the worker's RpcHttpData in, and the library's
// `{http: {statusCode, headers, cookies, body}}` back out to the client.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RpcHttpData, RpcTypedData } from '../coreModule.js';
import { isAuthorized, type AuthLevel, type HostKeys } from './keys.js';
import { invokeTrigger, type InvocationHost } from './invocation.js';
import { compareRoutes, compileRoute, RouteTemplateError, type CompiledRoute } from './routes.js';

/** Azure's request body limit (maxRequestBodySize): 100 MiB. */
export const defaultMaxRequestBodyBytes = 100 * 1024 * 1024;

export interface HttpFunctionRoute {
  functionName: string;
  route: CompiledRoute;
  /** Upper-case methods, or undefined for every method. */
  methods: string[] | undefined;
  authLevel: AuthLevel;
}

export interface HttpTriggerOptions extends InvocationHost {
  routePrefix: string;
  keys: HostKeys;
  /** Larger request bodies get 413. Default: Azure's 100 MiB. */
  maxRequestBodyBytes?: number;
}

/** The cookie shape the library's toRpcHttpCookie produces. */
interface RpcHttpCookie {
  name?: string;
  value?: string;
  domain?: { value?: string } | null;
  path?: { value?: string } | null;
  expires?: { value?: { seconds?: number } } | null;
  secure?: { value?: boolean } | null;
  httpOnly?: { value?: boolean } | null;
  sameSite?: 'none' | 'lax' | 'strict' | 'explicitNone';
  maxAge?: { value?: number } | null;
}

const authLevels: readonly string[] = ['anonymous', 'function', 'admin'];

export class HttpTriggers {
  readonly routes: HttpFunctionRoute[];
  readonly #options: HttpTriggerOptions;
  readonly #prefixPath: string;

  constructor(options: HttpTriggerOptions) {
    this.#options = options;
    const prefix = options.routePrefix.replace(/^\/+|\/+$/g, '');
    this.#prefixPath = prefix === '' ? '/' : `/${prefix}/`;
    this.routes = [];
    for (const [functionName, fn] of options.registrations.functions) {
      const trigger = Object.values(fn.metadata.bindings).find((b) => b.type === 'httpTrigger');
      if (!trigger) continue;
      const authLevel = String(trigger.authLevel ?? 'function').toLowerCase();
      if (!authLevels.includes(authLevel)) {
        throw new Error(`Function '${functionName}' has an unknown authLevel "${authLevel}".`);
      }
      const methods = Array.isArray(trigger.methods) ? trigger.methods.map((m) => String(m).toUpperCase()) : undefined;
      const template = typeof trigger.route === 'string' && trigger.route !== '' ? trigger.route : functionName;
      let route: CompiledRoute;
      try {
        route = compileRoute(template);
      } catch (err) {
        throw new RouteTemplateError(`Function '${functionName}': ${(err as Error).message}`);
      }
      this.routes.push({ functionName, route, methods, authLevel: authLevel as AuthLevel });
    }
    this.routes.sort((a, b) => compareRoutes(a.route, b.route));
  }

  /** The public path of a route template (what the banner prints). */
  pathOf(route: HttpFunctionRoute): string {
    return this.#prefixPath + route.route.template.replace(/^\/+/, '');
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const found = this.#find(req.method ?? 'GET', url.pathname);
    if (!found) return sendEmpty(res, 404);
    const { entry, params } = found;
    if (!isAuthorized(entry.authLevel, presentedKey(req, url), this.#options.keys)) return sendEmpty(res, 401);
    const body = await readBody(req, this.#options.maxRequestBodyBytes ?? defaultMaxRequestBodyBytes);
    if (body === 'tooLarge') return sendEmpty(res, 413, true);

    const rpcRequest: RpcHttpData = {
      method: req.method ?? 'GET',
      url: url.href,
      headers: lowerCaseHeaders(req),
      query: queryRecord(url),
      params,
      ...(body.length > 0 ? { body: { bytes: body } } : {}),
    };
    let http: RpcHttpData | null | undefined;
    try {
      const response = await invokeTrigger(this.#options, entry.functionName, {
        type: 'httpTrigger',
        data: { http: rpcRequest },
      });
      http = response.returnValue?.http ?? response.outputData?.find((o) => o.data?.http)?.data?.http;
    } catch {
      return sendEmpty(res, 500); // logged by invokeTrigger; never a stack to the client
    }
    writeResponse(res, http);
  }

  #find(method: string, pathname: string): { entry: HttpFunctionRoute; params: Record<string, string> } | undefined {
    const lowerPath = pathname.toLowerCase();
    let routePath: string;
    if (this.#prefixPath === '/') routePath = pathname.slice(1);
    else if (lowerPath.startsWith(this.#prefixPath)) routePath = pathname.slice(this.#prefixPath.length);
    else if (lowerPath === this.#prefixPath.slice(0, -1)) routePath = '';
    else return undefined;
    if (routePath.endsWith('/')) routePath = routePath.slice(0, -1);
    const upper = method.toUpperCase();
    for (const entry of this.routes) {
      if (entry.methods && !entry.methods.includes(upper)) continue;
      const params = entry.route.match(routePath);
      if (params) return { entry, params };
    }
    return undefined;
  }
}

function presentedKey(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers['x-functions-key'];
  if (typeof header === 'string' && header !== '') return header;
  return url.searchParams.get('code') ?? undefined;
}

/** Reads the body; past the limit it stops reading (the 413 goes out with `Connection: close`). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'tooLarge'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve('tooLarge');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.pause();
      resolve('tooLarge');
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** Query values as the host passes them: one string per name, repeated names joined with commas. */
function queryRecord(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  for (const name of new Set(url.searchParams.keys())) query[name] = url.searchParams.getAll(name).join(',');
  return query;
}

function sendEmpty(res: ServerResponse, status: number, closeConnection = false): void {
  res.statusCode = status;
  res.setHeader('content-length', '0');
  if (closeConnection) res.setHeader('connection', 'close');
  res.end();
}

function bodyBytes(body: RpcTypedData | null | undefined): Buffer {
  if (!body) return Buffer.alloc(0);
  if (body.bytes) return Buffer.from(body.bytes);
  if (typeof body.string === 'string') return Buffer.from(body.string, 'utf8');
  if (typeof body.json === 'string') return Buffer.from(body.json, 'utf8');
  if (typeof body.int === 'number' || typeof body.double === 'number') return Buffer.from(String(body.int ?? body.double));
  return Buffer.alloc(0);
}

/** Writes the function's HTTP output; none at all (the handler returned nothing) is a 204. */
function writeResponse(res: ServerResponse, http: RpcHttpData | null | undefined): void {
  if (!http) return sendEmpty(res, 204);
  const status = Number.parseInt(http.statusCode ?? '200', 10);
  res.statusCode = Number.isInteger(status) && status >= 100 && status <= 999 ? status : 200;
  for (const [name, value] of Object.entries(http.headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === 'content-length' || lower === 'transfer-encoding') continue;
    res.setHeader(name, value);
  }
  const cookies = (http.cookies ?? []) as RpcHttpCookie[];
  if (cookies.length > 0) {
    const existing = res.getHeader('set-cookie');
    const previous = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
    res.setHeader('set-cookie', [...previous, ...cookies.map(setCookieValue)]);
  }
  const body = bodyBytes(http.body);
  res.setHeader('content-length', String(body.length));
  res.end(body);
}

function setCookieValue(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  if (cookie.expires?.value?.seconds !== undefined) {
    parts.push(`Expires=${new Date(cookie.expires.value.seconds * 1000).toUTCString()}`);
  }
  if (cookie.maxAge?.value !== undefined) parts.push(`Max-Age=${cookie.maxAge.value}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  if (cookie.sameSite === 'lax') parts.push('SameSite=Lax');
  else if (cookie.sameSite === 'strict') parts.push('SameSite=Strict');
  else if (cookie.sameSite === 'explicitNone') parts.push('SameSite=None');
  return parts.join('; ');
}
