// Runs the intake test app (test/apps/intake) on the local host and talks to it over HTTP, like the relay.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHost, type LocalHost, type StartHostOptions } from '../../src/host/index.js';
import { HostLogger } from '../../src/host/log.js';
import type { FailedStart, IntakeRecord, RunRef } from '../../src/routing/index.js';

const appEntry = fileURLToPath(new URL('../apps/intake/index.js', import.meta.url));
const fixtureDir = new URL('../../../test/fixtures/incidents/', import.meta.url);

export const fixtureText = (name: string): string => readFileSync(new URL(`${name}.json`, fixtureDir), 'utf8');
// eslint-style helper: fixtures are edited freely by tests.
/** A fixture relay body, to be changed by a test before it is posted. */
export type RelayBody = {
  workspaceInfo: { SubscriptionId: string; ResourceGroupName: string; WorkspaceName: string };
  object: { id: string; name: string; properties: Record<string, unknown> & { title?: string; relatedEntities: unknown[] } };
} & Record<string, unknown>;
export const fixture = (name: string): RelayBody => JSON.parse(fixtureText(name)) as RelayBody;
/** The body with its incident renamed: the last segment of its id, and its name. */
export const renamed = (body: RelayBody, name: string): RelayBody => {
  body.object.id = body.object.id.replace(/[^/]+$/, name);
  body.object.name = name;
  return body;
};

/** What the intake endpoints answer, as these tests read it: an acceptance, a refusal or a ledger page. */
export interface IntakeReply {
  deliveryId: string;
  incident: { id: string; number?: number };
  runs: RunRef[];
  /** The matching playbooks whose runs the durable runtime refused (503). */
  failed?: FailedStart[];
  reason?: string;
  error: { code: string; message: string; details?: { path: string; expected?: string; received?: string }[] };
  records: IntakeRecord[];
  /** The ledger page's cursor: pass it as `before` for the next page. */
  next?: string;
  playbooks: unknown[];
}

export interface PostOptions {
  contentType?: string | null;
  key?: string | null;
  headers?: Record<string, string>;
}

export interface InstanceStatus {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  createdTime: string;
  output?: unknown;
  input?: unknown;
}

export class IntakeHarness {
  private constructor(
    readonly host: LocalHost,
    private readonly dir: string,
  ) {}

  static async start(options: Partial<StartHostOptions> = {}): Promise<IntakeHarness> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'soar-intake-test-'));
    await writeFile(
      path.join(dir, 'host.json'),
      JSON.stringify({ version: '2.0', extensions: { http: { routePrefix: 'api' }, durableTask: { hubName: 'IntakeTest' } } }),
    );
    const host = await startHost({ appDir: dir, main: appEntry, port: 0, logger: new HostLogger({ mode: 'silent' }), ...options });
    return new IntakeHarness(host, dir);
  }

  /** POSTs to /api/incidents; a string or bytes body is sent as is, anything else as JSON. */
  async post(body: unknown, options: PostOptions = {}): Promise<{ status: number; json: IntakeReply; text: string }> {
    const headers: Record<string, string> = { ...options.headers };
    const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
    if (contentType !== null) headers['content-type'] = contentType;
    const key = options.key === undefined ? this.host.functionKey : options.key;
    if (key !== null) headers['x-functions-key'] = key;
    const payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
    const res = await fetch(`${this.host.url}/api/incidents`, { method: 'POST', headers, body: payload as BodyInit });
    const text = await res.text();
    return { status: res.status, json: (text ? safeJson(text) : undefined) as IntakeReply, text };
  }

  async get<T = IntakeReply>(pathAndQuery: string): Promise<{ status: number; json: T }> {
    const res = await fetch(`${this.host.url}${pathAndQuery}`, { headers: { 'x-functions-key': this.host.functionKey } });
    const text = await res.text();
    return { status: res.status, json: (text ? safeJson(text) : undefined) as T };
  }

  /** Every orchestration instance the durable runtime holds (playbook runs and ledger records). */
  async instances(): Promise<InstanceStatus[]> {
    const res = await this.get<InstanceStatus[]>('/runtime/webhooks/durabletask/instances?showInput=true');
    if (res.status !== 200) throw new Error(`instance query failed: ${res.status}`);
    return res.json;
  }

  /** Ids of every instance, sorted: what "nothing was started" compares (statuses may move on meanwhile). */
  async instanceIds(): Promise<string[]> {
    return (await this.instances()).map((i) => i.instanceId).sort();
  }

  async runs(): Promise<InstanceStatus[]> {
    return (await this.instances()).filter((i) => i.name !== 'intakeLedgerRecord');
  }

  /** Waits until the instance is Completed (or fails the test). */
  async completed(instanceId: string, timeoutMs = 5000): Promise<InstanceStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.get<InstanceStatus | undefined>(`/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}?showInput=true`);
      if (res.status === 200 && res.json?.runtimeStatus === 'Completed') return res.json;
      if (res.json?.runtimeStatus === 'Failed') throw new Error(`${instanceId} failed: ${JSON.stringify(res.json?.output)}`);
      if (Date.now() > deadline) throw new Error(`${instanceId} not completed in time (${res.status} ${res.json?.runtimeStatus})`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    await this.host.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
