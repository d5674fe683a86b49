// One throughput run in a fresh process: <engine: host|library|durabletask-js> <store: memory|file|none> <instances> <steps>.
// `library` is the floor under the host: each instance's episodes and activities go through @azure/functions and
// durable-functions exactly as the host sends them, one instance after another, with no store, queue or engine.
// Prints one JSON line: {instances, steps, totalMs, perSecond, p50Ms, p99Ms}.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RealClock } from '../../src/host/clock.js';
import { loadApp } from '../../src/host/loadApp.js';
import { DurableRuntime } from '../../src/host/durable/index.js';
import { EventType, newEvent, type HistoryEvent } from '../../src/host/durable/history.js';
import { invokeOrchestrator, typedDataValue } from '../../src/host/durable/invokeOrchestrator.js';
import { invokeFunction } from '../../src/host/invoke.js';
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

export interface RunResult {
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

async function runLibraryOnly(): Promise<RunResult> {
  const app = await loadApp(path.join(distDir, 'bench/apps/bare'), { main: 'index.js' });
  const quiet = (): void => undefined;
  const runOne = async (id: string): Promise<void> => {
    const history: HistoryEvent[] = [];
    let taskId = 0;
    history.push(newEvent(EventType.OrchestratorStarted, Date.now()));
    history.push(newEvent(EventType.ExecutionStarted, Date.now(), { Name: 'chain', Input: JSON.stringify(steps) }));
    for (;;) {
      const episode = await invokeOrchestrator(
        app.registrations,
        'chain',
        { historyJson: JSON.stringify(history), inputJson: JSON.stringify(steps), instanceId: id, parentInstanceId: null },
        quiet,
      );
      if (episode.kind !== 'state') throw new Error(`instance ${id} crashed: ${episode.message}`);
      if (episode.state.isDone) {
        if (episode.state.output !== steps) throw new Error(`instance ${id} returned ${JSON.stringify(episode.state.output)}`);
        return;
      }
      const action = episode.state.actions[0]?.[taskId];
      if (!action?.functionName) throw new Error(`instance ${id} scheduled no activity at step ${taskId}`);
      const input = JSON.stringify(action.input);
      for (const event of history) event.IsPlayed = true;
      history.push(newEvent(EventType.TaskScheduled, Date.now(), { EventId: taskId, Name: action.functionName, Input: input }));
      history.push(newEvent(EventType.OrchestratorCompleted, Date.now()));
      const response = await invokeFunction(app.registrations, action.functionName, { inputsByType: { activityTrigger: { json: input } } }, quiet);
      history.push(newEvent(EventType.OrchestratorStarted, Date.now()));
      history.push(newEvent(EventType.TaskCompleted, Date.now(), { TaskScheduledId: taskId, Result: JSON.stringify(typedDataValue(response.returnValue)) }));
      taskId++;
    }
  };
  await runOne('warm-up');
  const starts = new Map<string, number>();
  const ends = new Map<string, number>();
  cpuAtStart = process.cpuUsage();
  for (let i = 0; i < instances; i++) {
    const id = `bench-${i}`;
    starts.set(id, performance.now());
    await runOne(id);
    ends.set(id, performance.now());
  }
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

const result = engine === 'durabletask-js' ? await runDurableTaskJs() : engine === 'library' ? await runLibraryOnly() : await runHost();
process.stdout.write(`${JSON.stringify(result)}\n`);
