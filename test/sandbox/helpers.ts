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

export async function call(
  sandbox: Sandbox,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; json: any }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(sandbox.url + path, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}
