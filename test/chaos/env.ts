// The in-process chaos environment: the real app on the local host (virtual clock, so durable retry timers
// can be moved on) pointed at one sandbox whose world holds every chaos incident. Deliveries are POSTed over
// HTTP like the relay's, with bounded concurrency.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VirtualClock } from '../../src/host/clock.js';
import { startHost, type LocalHost } from '../../src/host/index.js';
import { HostLogger } from '../../src/host/log.js';
import type { OrchestrationStatus } from '../../src/host/durable/runtime.js';
import { startSandbox, type Sandbox, type World } from '../../src/sandbox/index.js';
import { ALLOWED_PUBLISHER, type ChaosCase } from './cases.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The shipped client retry budget (4) with short delays (sandbox faults answer Retry-After 0–1 s); no reconciler (it would start runs on its
 * own); new-country-activity disables the account and extension-installed closes an allowed extension
 * without waiting for an approver (approvals have their own tests), so their runs end.
 */
export const CHAOS_SETTINGS: Record<string, string> = {
  PLAYBOOK_NEW_COUNTRY_ACTIVITY_DISABLE_ACCOUNT: 'always',
  PLAYBOOK_EXTENSION_INSTALLED_ALLOWED_EXTENSIONS: JSON.stringify([ALLOWED_PUBLISHER]),
  SOAR_RETRY_MAX_RETRIES: '4',
  SOAR_RETRY_DELAY_MS: '10',
  SOAR_RETRY_MAX_DELAY_MS: '1000',
  SOAR_GITHUB_WRITE_INTERVAL_MS: '0',
  APPROVAL_SIGNING_KEY: 'chaos-approval-signing-key-0123456789abcdef',
  PUBLIC_BASE_URL: 'https://soar.contoso.example',
  RECONCILER_ENABLED: 'false',
};

export interface Reply {
  /** 0: no answer (connection refused or reset). */
  status: number;
  text: string;
  json: Record<string, unknown> | undefined;
}

export interface Delivery {
  case: ChaosCase;
  reply: Reply;
  /** Runs the answer names. */
  runs: { playbook: string; instanceId: string; duplicate?: boolean }[];
}

export async function send(url: string, init: RequestInit): Promise<Reply> {
  try {
    const res = await fetch(url, init);
    const text = await res.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
  } catch {
    return { status: 0, text: '', json: undefined };
  }
}

/** POSTs one relay body to `<hostUrl>/api/incidents`. */
export async function deliver(hostUrl: string, functionKey: string, c: ChaosCase): Promise<Delivery> {
  const reply = await send(`${hostUrl}/api/incidents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-functions-key': functionKey },
    body: JSON.stringify(c.body),
  });
  return { case: c, reply, runs: (reply.json?.runs as Delivery['runs'] | undefined) ?? [] };
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(workers);
  return results;
}

export class ChaosEnv {
  private constructor(
    readonly host: LocalHost,
    readonly sandbox: Sandbox,
    readonly clock: VirtualClock,
    private readonly dir: string,
  ) {}

  /** One per process (the app's modules load once). `settings` are applied over the sandbox's and CHAOS_SETTINGS. */
  static async start(world: object, settings: Record<string, string> = {}): Promise<ChaosEnv> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'soar-chaos-'));
    // As npm start does: the sandbox's request lines go to the host's log (and are searched for secrets).
    const logger = new HostLogger({ mode: 'silent', level: 'debug' });
    const sandbox = await startSandbox({ world, caFile: path.join(dir, 'sandbox-ca.pem'), log: (line) => logger.debug(`Sandbox: ${line}`) });
    logger.redactor.addSecretSettings(sandbox.appSettings);
    const clock = new VirtualClock(Date.now());
    const host = await startHost({
      appDir: repoRoot,
      port: 0,
      clock,
      readLocalSettings: false,
      settings: { ...sandbox.appSettings, ...CHAOS_SETTINGS, ...settings },
      logger,
    });
    return new ChaosEnv(host, sandbox, clock, dir);
  }

  async close(): Promise<void> {
    await this.host.close();
    await this.sandbox.close();
    await rm(this.dir, { recursive: true, force: true });
  }

  world(): World {
    return this.sandbox.world();
  }

  /** Seed world again, no faults, no calls, no runs. Keeps the app's cached GitHub installation tokens valid. */
  async reset(): Promise<void> {
    await this.host.durable.waitForIdle();
    await this.host.durable.purgeBy({});
    const issued = this.world().github.tokens;
    this.sandbox.reset();
    const tokens = this.world().github.tokens;
    for (const token of issued) if (!tokens.some((t) => t.token === token.token)) tokens.push(token);
  }

  deliverAll(cases: readonly ChaosCase[], concurrency: number): Promise<Delivery[]> {
    return pool(cases, concurrency, (c) => deliver(this.host.url, this.host.functionKey, c));
  }

  /** Drives the runs to their end: waits for idle, then moves the virtual clock on (durable retry timers). */
  async settle(instanceIds: readonly string[], stepInMs = 60_000, maxSteps = 60): Promise<Map<string, OrchestrationStatus>> {
    let statuses = new Map<string, OrchestrationStatus>();
    for (let step = 0; step < maxSteps; step++) {
      await this.host.durable.waitForIdle();
      statuses = await this.statuses(instanceIds);
      if (![...statuses.values()].some((s) => s.runtimeStatus === 'Running' || s.runtimeStatus === 'Pending')) break;
      this.clock.advance(stepInMs);
    }
    return statuses;
  }

  async statuses(instanceIds: readonly string[]): Promise<Map<string, OrchestrationStatus>> {
    const out = new Map<string, OrchestrationStatus>();
    for (const id of instanceIds) {
      const status = await this.host.durable.getStatus(id, { showInput: false });
      if (status) out.set(id, status);
    }
    return out;
  }

  /** Every instance id in the store (playbook runs and ledger records). */
  async instanceIds(): Promise<string[]> {
    const ids: string[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.host.durable.query({ top: 1000, ...(continuationToken ? { continuationToken } : {}) });
      ids.push(...page.instances.map((i) => i.instanceId));
      continuationToken = page.continuationToken;
    } while (continuationToken);
    return ids;
  }
}
