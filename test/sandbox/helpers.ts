// Shared by the sandbox tests: start a sandbox whose CA this process trusts, and small request helpers.

import tls from 'node:tls';
import { startSandbox, type Sandbox, type StartSandboxOptions } from '../../src/sandbox/index.js';

export const SUB = '00000000-0000-4000-8000-000000000001';
export const WORKSPACE_PATH = `/subscriptions/${SUB}/resourceGroups/soc-rg/providers/Microsoft.OperationalInsights/workspaces/soc-workspace/providers/Microsoft.SecurityInsights`;

/** Starts a sandbox and adds its CA to this process's default trusted roots (node:https and fetch). */
export async function startTrustedSandbox(options: StartSandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox(options);
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), sandbox.caPem]);
  return sandbox;
}

/** Points @azure/identity's managed-identity credential at the sandbox (it reads these at construction). */
export function useSandboxIdentity(sandbox: Sandbox): void {
  process.env.IDENTITY_ENDPOINT = sandbox.appSettings.IDENTITY_ENDPOINT;
  process.env.IDENTITY_HEADER = sandbox.appSettings.IDENTITY_HEADER;
}

/** Azure's REST error body, as ARM (Sentinel), ACS Email and the sandbox's control plane answer. */
export interface AzureErrorReply {
  error: { code: string; message: string };
}

/** Microsoft Graph's error body, with its innerError. */
export interface GraphErrorReply {
  error: { code: string; message: string; innerError: { date: string; 'request-id': string; 'client-request-id': string } };
}

/** A reply from the sandbox; `json` is the parsed body (undefined when empty), typed as the caller reads it. */
export interface Reply<T> {
  status: number;
  headers: Headers;
  json: T;
}

/** Calls the sandbox with fetch; `T` is the body type the caller expects (not checked at run time). */
export async function call<T = unknown>(
  sandbox: Sandbox,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(sandbox.url + path, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: (text ? JSON.parse(text) : undefined) as T };
}
