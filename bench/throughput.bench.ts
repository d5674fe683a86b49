// Local host throughput: 1,000 instances of a 5-sequential-trivial-activity orchestration on the file and the
// memory store, beside the same orchestration on @microsoft/durabletask-js's in-memory test backend; and one
// orchestration of 200 sequential activities (replay cost grows with history). Each run is a fresh process.
import { round, runBenchChild } from './processes.js';
import type { RunResult } from './child/throughput.js';
import type { Benchmark, BenchRow } from './types.js';


const variants = [
  { engine: 'host', store: 'file', label: 'local host, SQLite file' },
  { engine: 'host', store: 'memory', label: 'local host, SQLite :memory:' },
  { engine: 'durabletask-js', store: 'memory', label: '@microsoft/durabletask-js in-memory backend' },
  { engine: 'library', store: 'none', label: 'floor: @azure/functions + durable-functions calls alone' },
] as const;

async function measure(instances: number, steps: number): Promise<Map<string, RunResult>> {
  const results = new Map<string, RunResult>();
  for (const v of variants) {
    const { result } = await runBenchChild<RunResult>('throughput.js', [v.engine, v.store, String(instances), String(steps)]);
    results.set(v.label, result);
  }
  return results;
}

export const throughput: Benchmark = {
  name: 'throughput',
  async run() {
    const results = await measure(1000, 5);
    const rows: BenchRow[] = [...results].map(([label, r]) => ({
      engine: label,
      'orchestrations/s': round(r.perSecond),
      'per CPU-second': round((r.instances * 1000) / r.cpuMs),
      'p50 ms': round(r.p50Ms),
      'p99 ms': round(r.p99Ms),
      'total ms': round(r.totalMs),
    }));
    const file = results.get(variants[0].label)!;
    const memory = results.get(variants[1].label)!;
    const peer = results.get(variants[2].label)!;
    const floor = results.get(variants[3].label)!;
    return {
      name: 'throughput',
      title: '1,000 orchestrations × 5 sequential trivial activities',
      rows,
      notes: [
        `Goal: file-backed ≥ 1,000 orchestrations/s on 2 cores; this run ${round(file.perSecond)}/s.`,
        `Goal: memory ≥ durabletask-js peer; this run ${round(memory.perSecond)}/s vs ${round(peer.perSecond)}/s ` +
          `(${round(memory.perSecond / peer.perSecond, 2)}×; per CPU-second ${round(peer.cpuMs / memory.cpuMs, 2)}×).`,
        `Floor: the same episodes and activities through @azure/functions + durable-functions alone, one instance at a ` +
          `time, no store, queue or engine: ${round(floor.perSecond)}/s, ${round(floor.cpuMs / floor.instances, 2)} ms CPU ` +
          `per orchestration (peer: ${round(peer.cpuMs / peer.instances, 2)} ms). The host can be no faster than this; its ` +
          `overhead above the floor is ${round((memory.cpuMs - floor.cpuMs) / memory.instances, 2)} ms CPU per orchestration (memory store).`,
      ],
    };
  },
};

export const longChain: Benchmark = {
  name: 'long-chain',
  async run() {
    const results = await measure(1, 200);
    const rows: BenchRow[] = [...results].map(([label, r]) => ({
      engine: label,
      'total ms': round(r.totalMs),
      'CPU ms': round(r.cpuMs),
    }));
    const file = results.get(variants[0].label)!;
    return {
      name: 'long-chain',
      title: 'One orchestration of 200 sequential activities',
      rows,
      notes: [`Goal: ≤ 2,000 ms; this run ${round(file.totalMs)} ms on the file store.`],
    };
  },
};

export default [throughput, longChain];
