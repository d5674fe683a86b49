// The contract between the sandbox server (src/sandbox/server.ts) and each service emulator
// (one module per remote API). An emulator is a table of routes over its slice of the world state.

import type { IncomingHttpHeaders } from 'node:http';
import type { World } from './world.js';

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
  /**
   * Express-style pattern relative to the mount: '/repos/:owner/:repo'. Literal segments match case-insensitively;
   * a final '*name' segment captures the rest of the path, slashes included ('/repos/:o/:r/contents/*path').
   */
  path: string;
  handler: (req: SandboxRequest, ctx: RouteContext) => SandboxReply | Promise<SandboxReply>;
}

export interface Emulator {
  /** Service name used in /_sandbox/calls and fault rules: 'github', 'azdo', 'sentinel', ... */
  name: string;
  /** Path prefix on the sandbox server, e.g. '/github'. */
  mount: string;
  routes: Route[];
  /**
   * Builds an error reply in this service's own error shape. The server uses it for unknown routes (404)
   * and injected faults; without it the server answers `{error:{code,message}}`.
   */
  errorReply?: (status: number, code: string, message: string) => SandboxReply;
}

/** Claims of a sandbox-issued access token (HS256 JWT from the managed-identity endpoint). */
export interface TokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  oid: string;
  tid: string;
  appid: string;
  sub: string;
}

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reply: SandboxReply };

/**
 * Checks `Authorization: Bearer <jwt>`: signature, expiry (against `now`, epoch ms) and audience (URL audiences
 * compare without trailing slashes). On failure returns a 401 built by `errorReply` (the service's error shape;
 * default ARM's `{error:{code,message}}`) with codes AuthenticationFailed / InvalidAuthenticationToken /
 * ExpiredAuthenticationToken / InvalidAuthenticationTokenAudience.
 */
export type VerifyBearer = (
  req: SandboxRequest,
  audiences: string[],
  now: number,
  errorReply?: (status: number, code: string, message: string) => SandboxReply,
) => VerifyResult;

/** What the sandbox gives each emulator factory. */
export interface EmulatorDeps {
  /** The live world state (mutate it in handlers; reset replaces it, so call world() per request). */
  world(): World;
  /** Current time, epoch ms (the sandbox's clock). */
  now(): number;
  verifyBearer: VerifyBearer;
  /** The sandbox's base URL, e.g. https://127.0.0.1:8443 (no trailing slash). */
  sandboxUrl(): string;
}
