// One sandbox and one local host running the operations test app (or another app folder), with the app's
// settings pointed at the sandbox; `api` calls the host with the function key.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHost, type LocalHost } from '../../src/host/index.js';
import { HostLogger } from '../../src/host/log.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const operationsApp = path.join(here, '../apps/operations');
export const fixtures = path.resolve(here, '../../../test/fixtures/incidents');

export const WORKSPACE_ID =
  '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/soc-rg/providers/Microsoft.OperationalInsights/workspaces/soc-workspace';
export const incidentArmId = (name: string): string => `${WORKSPACE_ID}/providers/Microsoft.SecurityInsights/incidents/${name}`;

export interface Env {
  host: LocalHost;
  sandbox: Sandbox;
  settings: Record<string, string>;
  api<T = unknown>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }>;
  /** Polls GET /api/runs/{id} until the run ends. */
  finished<T = { status: string }>(instanceId: string): Promise<T>;
  close(): Promise<void>;
}

/** The operations test app, or the app in `appDir` (its package.json `main`). */
export async function startEnv(options: { appDir?: string; keysFile?: string } = {}): Promise<Env> {
  const caFile = path.join(mkdtempSync(path.join(tmpdir(), 'soar-ops-')), 'sandbox-ca.pem');
  const sandbox = await startSandbox({ caFile });
  const settings = {
    ...sandbox.appSettings,
    APPROVAL_SIGNING_KEY: 'operations-test-signing-key-0123456789abcdef',
    SOAR_RETRY_MAX_RETRIES: '1',
    SOAR_RETRY_DELAY_MS: '10',
    SOAR_RETRY_MAX_DELAY_MS: '200',
    SOAR_GITHUB_WRITE_INTERVAL_MS: '0',
  };
  const host = await startHost({
    ...(options.appDir ? { appDir: options.appDir } : { appDir: operationsApp, main: 'index.js' }),
    port: 0,
    settings,
    logger: new HostLogger({ mode: 'silent' }),
    ...(options.keysFile ? { keysFile: options.keysFile } : {}),
  });
  const api: Env['api'] = async (method, route, body) => {
    const response = await fetch(`${host.url}${route}`, {
      method,
      headers: { 'x-functions-key': host.functionKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (the page)
    }
    return { status: response.status, body: parsed as never, headers: response.headers };
  };
  const finished: Env['finished'] = async (instanceId) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { status, body } = await api<{ status: string }>('GET', `/api/runs/${encodeURIComponent(instanceId)}`);
      if (status === 200 && ['Completed', 'Failed', 'Terminated', 'Canceled'].includes(body.status)) return body as never;
      if (Date.now() > deadline) throw new Error(`run ${instanceId} still ${body.status} (HTTP ${status})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    host, sandbox, settings, api, finished,
    close: async () => {
      await host.close();
      await sandbox.close();
    },
  };
}
