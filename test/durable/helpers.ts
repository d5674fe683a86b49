// Shared helpers of the durable tests: paths, a runtime on a memory store and a VirtualClock, a log sink.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VirtualClock } from '../../src/host/clock.js';
import { loadApp } from '../../src/host/loadApp.js';
import { DurableRuntime, type OrchestrationStatus } from '../../src/host/durable/index.js';

/** dist/ (this file runs from dist/test/durable/). */
export const distDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const repoRoot = path.resolve(distDir, '..');

export interface MemoryLog {
  lines: string[];
  info(m: string): void;
  warn(m: string): void;
  error(m: string): void;
}

export function memoryLog(): MemoryLog {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}

export interface TestRuntime {
  runtime: DurableRuntime;
  clock: VirtualClock;
  log: MemoryLog;
  /** Starts an orchestration, runs until idle, and returns its status. */
  run(name: string, input?: unknown, instanceId?: string): Promise<OrchestrationStatus>;
  status(id: string): Promise<OrchestrationStatus>;
}

export async function testRuntime(
  options: { appFolder?: string; storePath?: string; activityConcurrency?: number } = {},
): Promise<TestRuntime> {
  const app = await loadApp(path.join(distDir, options.appFolder ?? 'test/apps/durable'), { main: 'index.js' });
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const log = memoryLog();
  const runtime = new DurableRuntime({
    registrations: app.registrations,
    hubName: 'TestHub',
    storePath: options.storePath ?? ':memory:',
    clock,
    ...(options.activityConcurrency ? { activityConcurrency: options.activityConcurrency } : {}),
    logger: log,
    baseUrl: () => 'http://localhost:7071',
    functionKey: 'test-function-key',
  });
  await runtime.start();
  const status = async (id: string): Promise<OrchestrationStatus> => {
    const s = await runtime.getStatus(id);
    if (!s) throw new Error(`no instance ${id}`);
    return s;
  };
  return {
    runtime,
    clock,
    log,
    status,
    async run(name, input, instanceId) {
      const id = await runtime.startNew(name, { input, ...(instanceId ? { instanceId } : {}) });
      await runtime.waitForIdle();
      return status(id);
    },
  };
}

/** Polls `fn` every 10 ms until it returns a value (at most 15 s). */
export async function until<T>(fn: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 1500; i++) {
    const value = await fn();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('timed out waiting');
}
