// The contract between the sandbox server (src/sandbox/server.ts) and each service emulator
// (one module per remote API). An emulator is a table of routes over its slice of the world state.

import type { IncomingHttpHeaders } from 'node:http';

export interface SandboxRequest {
  method: string;
  /** Path below the emulator's mount, starting with '/', percent-decoded per segment by the router. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The full request URL as the client sent it (https://127.0.0.1:port/mount/...). */
  url: URL;
}

export interface SandboxReply {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON with content-type application/json. */
  json?: unknown;
  /** Sent as-is (content-type from headers, default text/plain). */
  text?: string;
}

export interface RouteContext {
  params: Record<string, string>;
  /** Absolute base URL of this emulator's mount, e.g. https://127.0.0.1:8443/github */
  baseUrl: string;
  now(): number;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Express-style pattern relative to the mount: '/repos/:owner/:repo'. */
  path: string;
  handler: (req: SandboxRequest, ctx: RouteContext) => SandboxReply | Promise<SandboxReply>;
}

export interface Emulator {
  /** Service name used in /_sandbox/calls and fault rules: 'github', 'azdo', 'sentinel', ... */
  name: string;
  /** Path prefix on the sandbox server, e.g. '/github'. */
  mount: string;
  routes: Route[];
}
