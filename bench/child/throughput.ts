// One throughput run in a fresh process: <engine: host|durabletask-js> <store: memory|file> <instances> <steps>.
// Prints one JSON line: {instances, steps, totalMs, perSecond, p50Ms, p99Ms}.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RealClock } from '../../src/host/clock.js';
import { loadApp } from '../../src/host/loadApp.js';
import { DurableRuntime } from '../../src/host/durable/index.js';
import {
  InMemoryOrchestrationBackend,
  TestOrchestrationClient,
  TestOrchestrationWorker,
  type OrchestrationContext,
  type ActivityContext,
} from '@microsoft/durabletask-js';

const [engine, store, instancesArg, stepsArg] = process.argv.slice(2);
const instances = Number(instancesArg);
const steps = Number(stepsArg);
const distDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface RunResult {
  instances: number;
  steps: number;
  totalMs: number;
  /** CPU time of this process over the run (user + system): less sensitive than wall time to a busy machine. */
  cpuMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

let cpuAtStart = process.cpuUsage();

function summarize(starts: Map<string, number>, ends: Map<string, number>): RunResult {
  const cpu = process.cpuUsage(cpuAtStart);
  const latencies = [...starts].map(([id, start]) => {
    const end = ends.get(id);
    if (end === undefined) throw new Error(`instance ${id} did not complete`);
    return end - start;
  });
  latencies.sort((a, b) => a - b);
  const first = Math.min(...starts.values());
  const last = Math.max(...ends.values());
  const totalMs = last - first;
  const pick = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { instances, steps, totalMs, cpuMs, perSecond: (instances * 1000) / totalMs, p50Ms: pick(0.5), p99Ms: pick(0.99) };
}

async function runHost(): Promise<RunResult> {
  const app = await loadApp(path.join(distDir, 'bench/apps/bare'), { main: 'index.js' });
  const dir = store === 'file' ? mkdtempSync(path.join(os.tmpdir(), 'durable-bench-')) : undefined;
  const ends = new Map<string, number>();
  const runtime = new DurableRuntime({
    registrations: app.registrations,
    hubName: 'BenchHub',
    storePath: dir ? path.join(dir, 'hub.sqlite') : ':memory:',
    clock: new RealClock(),
    logger: {
      info: (m) => {
        if (m.endsWith('Running → Completed')) ends.set(m.slice(m.indexOf('(') + 1, m.lastIndexOf(')')), performance.now());
      },
      warn: () => undefined,
      error: (m) => console.error(m),
    },
    baseUrl: () => 'http://127.0.0.1:0',
    functionKey: 'bench',
  });
  await runtime.start();
  const starts = new Map<string, number>();
  cpuAtStart = process.cpuUsage();
  for (let i = 0; i < instances; i++) {
    const id = `bench-${i}`;
    starts.set(id, performance.now());
    await runtime.startNew('chain', { instanceId: id, input: steps });
  }
  await runtime.waitForIdle();
  await runtime.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  return summarize(starts, ends);
}

async function runDurableTaskJs(): Promise<RunResult> {
  // Its test worker logs every step to the console (no logger option); silence it as the host's logger is.
  for (const method of ['log', 'info', 'debug', 'warn'] as const) console[method] = () => undefined;
  const backend = new InMemoryOrchestrationBackend();
  const worker = new TestOrchestrationWorker(backend);
  const client = new TestOrchestrationClient(backend);
  worker.addNamedActivity('step', (_ctx: ActivityContext, n: number) => n + 1);
  // Its executor runs async generators.
  worker.addNamedOrchestrator('chain', async function* (ctx: OrchestrationContext, n: number): AsyncGenerator<unknown, number, number> {
    let value = 0;
    for (let i = 0; i < n; i++) value = yield ctx.callActivity('step', value);
    return value;
  } as unknown as Parameters<TestOrchestrationWorker['addNamedOrchestrator']>[1]);
  await worker.start();
  const starts = new Map<string, number>();
  cpuAtStart = process.cpuUsage();
  const ends = new Map<string, number>();
  const waits: Promise<void>[] = [];
  for (let i = 0; i < instances; i++) {
    const id = `bench-${i}`;
    starts.set(id, performance.now());
    await client.scheduleNewOrchestration('chain', steps, id);
    waits.push(
      client.waitForOrchestrationCompletion(id, true, 600).then((state) => {
        if (!state) throw new Error(`instance ${id} did not complete`);
        ends.set(id, performance.now());
      }),
    );
  }
  await Promise.all(waits);
  await worker.stop();
  await client.stop();
  return summarize(starts, ends);
}

const result = engine === 'durabletask-js' ? await runDurableTaskJs() : await runHost();
process.stdout.write(`${JSON.stringify(result)}\n`);
