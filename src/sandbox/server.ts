// The sandbox's one HTTPS server on loopback: routes each request to the emulator whose mount prefixes its
// path, applies injected faults first, records every call (never headers, bodies or query secrets), and
// serves the /_sandbox control plane (state, calls, faults, reset).

import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Emulator, SandboxReply, SandboxRequest } from './emulator.js';
import { faultError, FaultRuleError, parseFaultRule, type FaultInjector } from './faults.js';
import { decodePath, findEmulator, matchRoute } from './router.js';
import type { SandboxTls } from './ca.js';

export interface CallRecord {
  time: string;
  method: string;
  service: string;
  host: string;
  /** Path plus only the api-version query parameter: other query values may carry secrets. */
  path: string;
  /** 0 when the connection was reset by a fault. */
  status: number;
  durationMs: number;
  /** Set when an injected fault answered (or delayed) the call. */
  fault?: 'status' | 'reset' | 'latency';
}

export interface SandboxServerOptions {
  port: number;
  tls: SandboxTls;
  emulators: Emulator[];
  faults: FaultInjector;
  now(): number;
  state(): unknown;
  reset(): void;
  log?: (line: string) => void;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_CALLS = 20_000;

function genericError(status: number, code: string, message: string): SandboxReply {
  return { status, json: { error: { code, message } } };
}

class HttpError extends Error {
  constructor(readonly reply: SandboxReply) {
    super('http error');
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(genericError(413, 'PayloadTooLarge', 'The request body is too large.')));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: SandboxReply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload: string | undefined;
  if (reply.json !== undefined) {
    payload = JSON.stringify(reply.json);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else if (reply.text !== undefined) {
    payload = reply.text;
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  }
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** Keeps only api-version from the query: any other value (tokens, signatures, codes) may be a secret. */
function loggablePath(url: URL): string {
  const apiVersion = url.searchParams.get('api-version');
  return url.pathname + (apiVersion !== null ? `?api-version=${encodeURIComponent(apiVersion)}` : '');
}

export class SandboxServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly callLog: CallRecord[] = [];
  private baseUrl = '';

  constructor(private readonly options: SandboxServerOptions) {
    this.server = createServer({ cert: options.tls.certChainPem, key: options.tls.keyPem }, (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.options.log?.(`internal error ${(err as Error).name}`);
        if (!res.headersSent) send(res, genericError(500, 'InternalServerError', 'The sandbox failed.'));
        else res.destroy();
      });
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // A client aborting mid-handshake (e.g. the untrusted-CA test) is not a server problem.
    this.server.on('tlsClientError', () => undefined);
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `https://127.0.0.1:${port}`;
    return this.baseUrl;
  }

  calls(service?: string): CallRecord[] {
    return this.callLog.filter((c) => service === undefined || c.service === service).map((c) => ({ ...c }));
  }

  clearCalls(): void {
    this.callLog.length = 0;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private record(call: CallRecord): void {
    this.callLog.push(call);
    if (this.callLog.length > MAX_CALLS) this.callLog.splice(0, this.callLog.length - MAX_CALLS);
    this.options.log?.(`${call.method} ${call.service} ${call.path} -> ${call.status}${call.fault ? ` (fault: ${call.fault})` : ''}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const method = req.method ?? 'GET';
    // Concatenated, not resolved: a path like '//x/y' must stay a path, not become a host.
    const url = new URL(this.baseUrl + (req.url ?? '/'));
    if (url.pathname === '/_sandbox' || url.pathname.startsWith('/_sandbox/')) {
      send(res, await this.control(req, method, url).catch((err: unknown) => {
        if (err instanceof HttpError) return err.reply;
        throw err;
      }));
      return;
    }
    const emulator = findEmulator(this.options.emulators, url.pathname);
    const service = emulator?.name ?? '-';
    const record = (status: number, fault?: CallRecord['fault']) =>
      this.record({
        time: new Date(this.options.now()).toISOString(),
        method,
        service,
        host: req.headers.host ?? '',
        path: loggablePath(url),
        status,
        durationMs: Date.now() - started,
        ...(fault ? { fault } : {}),
      });
    if (!emulator) {
      const reply = genericError(404, 'NotFound', `No sandbox service is mounted at '${url.pathname}'.`);
      send(res, reply);
      record(reply.status);
      return;
    }
    const errorReply = emulator.errorReply ?? genericError;

    const fault = this.options.faults.match(service, method, url.pathname);
    if (fault?.latencyMs) await delay(fault.latencyMs);
    if (fault?.reset) {
      req.socket.destroy();
      record(0, 'reset');
      return;
    }
    if (fault?.status !== undefined) {
      const { code, message } = faultError(service, { ...fault, status: fault.status });
      const reply = errorReply(fault.status, code, message);
      const headers: Record<string, string> = { ...reply.headers };
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      send(res, { ...reply, headers });
      record(fault.status, 'status');
      return;
    }

    const rawPath = url.pathname.slice(emulator.mount.replace(/\/$/, '').length) || '/';
    let reply: SandboxReply;
    try {
      const body = await readBody(req);
      const match = matchRoute(emulator, method, rawPath);
      if (match.kind === 'none') {
        reply = errorReply(404, 'NotFound', `No route for ${method} ${url.pathname}.`);
      } else if (match.kind === 'wrongMethod') {
        reply = errorReply(405, 'MethodNotAllowed', `The method ${method} is not allowed on ${url.pathname}.`);
      } else {
        const request: SandboxRequest = {
          method,
          path: decodePath(rawPath),
          query: url.searchParams,
          headers: req.headers,
          body,
          url,
        };
        reply = await match.route.handler(request, {
          params: match.params,
          baseUrl: this.baseUrl + emulator.mount.replace(/\/$/, ''),
          now: this.options.now,
        });
      }
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      reply = err.reply;
    }
    send(res, reply);
    record(reply.status, fault ? 'latency' : undefined);
  }

  private async control(req: IncomingMessage, method: string, url: URL): Promise<SandboxReply> {
    const route = `${method} ${url.pathname.replace(/\/$/, '')}`;
    switch (route) {
      case 'GET /_sandbox/state':
        return { status: 200, json: this.options.state() };
      case 'GET /_sandbox/calls':
        return { status: 200, json: this.calls(url.searchParams.get('service') ?? undefined) };
      case 'POST /_sandbox/reset':
        this.options.reset();
        return { status: 204 };
      case 'GET /_sandbox/faults':
        return { status: 200, json: this.options.faults.list() };
      case 'DELETE /_sandbox/faults':
        this.options.faults.clear();
        return { status: 204 };
      case 'POST /_sandbox/faults':
        return this.addFaults(await readBody(req));
      default:
        return genericError(404, 'NotFound', `No sandbox control route ${route}.`);
    }
  }

  /** Body: one rule or an array of rules; all are validated before any is added. */
  private addFaults(body: Buffer): SandboxReply {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return genericError(400, 'InvalidJson', 'The request body is not valid JSON.');
    }
    const inputs = Array.isArray(parsed) ? parsed : [parsed];
    const issues: { path: string; message: string }[] = [];
    inputs.forEach((input, index) => {
      try {
        parseFaultRule(input);
      } catch (err) {
        if (!(err instanceof FaultRuleError)) throw err;
        const prefix = Array.isArray(parsed) ? `[${index}]` : '';
        issues.push(...err.issues.map((i) => ({ path: [prefix, i.path].filter(Boolean).join('.') || '(rule)', message: i.message })));
      }
    });
    if (issues.length > 0) {
      return {
        status: 400,
        json: { error: { code: 'InvalidFaultRule', message: 'The fault rule is invalid.', details: issues } },
      };
    }
    return { status: 201, json: inputs.map((input) => this.options.faults.add(input)) };
  }
}
