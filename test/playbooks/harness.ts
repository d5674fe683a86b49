// End-to-end harness: the REAL app (repo root, dist/functions/*.js) on the local host with a virtual clock,
// pointed at a fresh sandbox. Incidents are POSTed to /api/incidents like the relay does; runs are driven
// to the end by advancing the virtual clock (durable retry timers and approval timeouts).
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VirtualClock } from '../../src/host/clock.js';
import { startHost, type LocalHost } from '../../src/host/index.js';
import { HostLogger } from '../../src/host/log.js';
import type { RunRef } from '../../src/routing/index.js';
import type { ErrorBody } from '../../src/routing/intake.js';
import { startSandbox, type Sandbox, type World } from '../../src/sandbox/index.js';
import { readIncidentFixture, type IncidentFixture } from '../fixtures/relayBody.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export const SIGNING_KEY = 'test-approval-signing-key-0123456789abcdef';

/** Fast client retries (sandbox faults answer Retry-After 0–1 s). */
const TEST_SETTINGS = {
  SOAR_RETRY_MAX_RETRIES: '2',
  SOAR_RETRY_DELAY_MS: '10',
  SOAR_RETRY_MAX_DELAY_MS: '1000',
  SOAR_GITHUB_WRITE_INTERVAL_MS: '0',
  APPROVAL_SIGNING_KEY: SIGNING_KEY,
  PUBLIC_BASE_URL: 'https://soar.contoso.example',
};

export type { IncidentFixture } from '../fixtures/relayBody.js';

/** A relay body of test/fixtures/incidents, to be edited and posted. */
export function fixture(name: string): IncidentFixture {
  return readIncidentFixture(name);
}

/** What POST /api/incidents answers: the delivery and the runs it started (202) or why none (200), or an error. */
export type DeliveryReply = Partial<ErrorBody> & {
  deliveryId: string;
  incident: { id: string; number: number | null };
  runs: RunRef[];
  reason?: string;
};

export interface RunStatus {
  instanceId: string;
  runtimeStatus: string;
  output: unknown;
  customStatus: unknown;
}

export class PlaybookHarness {
  private constructor(
    readonly host: LocalHost,
    readonly sandbox: Sandbox,
    readonly clock: VirtualClock,
  ) {}

  /** One per test file: the app's modules load once per process. `main`: another entry than the real app's. */
  static async start(options: { main?: string } = {}): Promise<PlaybookHarness> {
    const caFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'soar-playbooks-')), 'sandbox-ca.pem');
    const sandbox = await startSandbox({ caFile });
    const clock = new VirtualClock(Date.now());
    const host = await startHost({
      appDir: repoRoot,
      ...(options.main ? { main: options.main } : {}),
      port: 0,
      clock,
      settings: { ...sandbox.appSettings, ...TEST_SETTINGS },
      logger: new HostLogger({ mode: 'silent' }),
    });
    return new PlaybookHarness(host, sandbox, clock);
  }

  async close(): Promise<void> {
    await this.host.close();
    await this.sandbox.close();
  }

  /** Fresh world and no runs, between tests. */
  async reset(): Promise<void> {
    await this.host.durable.waitForIdle();
    await this.host.durable.purgeBy({});
    // The app caches its GitHub installation token for an hour; a reset world would no longer know it.
    const issued = this.world().github.tokens;
    this.sandbox.reset();
    const tokens = this.world().github.tokens;
    for (const token of issued) if (!tokens.some((t) => t.token === token.token)) tokens.push(token);
  }

  world(): World {
    return this.sandbox.world();
  }

  incident(name: string): World['sentinel']['incidents'][number] {
    const incident = this.world().sentinel.incidents.find((i) => i.name === name);
    if (!incident) throw new Error(`no sandbox incident ${name}`);
    return incident;
  }

  /** Comment texts of a sandbox incident, oldest first. */
  comments(name: string): string[] {
    return this.incident(name).comments.map((c) => (c.properties as { message: string }).message);
  }

  /** Graph calls whose path (without query) ends with `suffix`. */
  graphCalls(suffix: string): number {
    return this.sandbox.calls({ service: 'graph' }).filter((c) => decodeURIComponent(c.path.split('?')[0]!).endsWith(suffix)).length;
  }

  outbox(): World['email']['outbox'] {
    return this.world().email.outbox;
  }

  /** POSTs a relay body to /api/incidents and returns the started run ids. */
  async postIncident(body: IncidentFixture): Promise<{ status: number; json: DeliveryReply }> {
    const res = await fetch(`${this.host.url}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-functions-key': this.host.functionKey },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as DeliveryReply };
  }

  /** Starts one playbook directly (as a manual run would), e.g. for a dry run. */
  async start(orchestration: string, instanceId: string, input: unknown): Promise<void> {
    await this.host.durable.startNew(orchestration, { instanceId, input });
  }

  async status(instanceId: string): Promise<RunStatus> {
    const status = await this.host.durable.getStatus(instanceId, { showInput: false });
    if (!status) throw new Error(`no run ${instanceId}`);
    return status as unknown as RunStatus;
  }

  /** Drives a run to its end: waits for idle, then moves the virtual clock on by `stepInMs` (retry timers). */
  async settle(instanceId: string, stepInMs = 60_000, maxSteps = 200): Promise<RunStatus> {
    for (let i = 0; i < maxSteps; i++) {
      await this.host.durable.waitForIdle();
      const status = await this.status(instanceId);
      if (!['Running', 'Pending'].includes(status.runtimeStatus)) return status;
      this.clock.advance(stepInMs);
    }
    throw new Error(`run ${instanceId} did not end after ${maxSteps} clock steps`);
  }

  /** Waits until the run is idle without moving the clock (e.g. waiting for an approval). */
  async idle(instanceId: string): Promise<RunStatus> {
    await this.host.durable.waitForIdle();
    return this.status(instanceId);
  }
}
