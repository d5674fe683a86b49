// Local host throughput: 1,000 instances of a 5-sequential-trivial-activity orchestration on the file and the
// memory store, beside the same orchestration on @microsoft/durabletask-js's in-memory test backend; and one
// orchestration of 200 sequential activities (replay cost grows with history). Each run is a fresh process.
// This 2-core VM's speed varies by ±30% from minute to minute, so each variant runs several times, the
// variants taking turns; a row is the run with the median rate, and the range shows the spread.
import os from 'node:os';
import { benchRounds, median, medianRun, rateRange, round, runBenchChild } from './processes.js';
import type { RunResult } from './child/throughput.js';
import type { Benchmark, BenchRow } from './types.js';

const variants = [
  { engine: 'host', store: 'file', label: 'local host, SQLite file' },
  { engine: 'host', store: 'memory', label: 'local host, SQLite :memory:' },
  { engine: 'durabletask-js', store: 'memory', label: '@microsoft/durabletask-js in-memory backend' },
  { engine: 'library', store: 'none', label: 'floor: @azure/functions + durable-functions calls alone' },
] as const;

interface Measured {
  /** The run with the median rate. */
  typical: RunResult;
  runs: RunResult[];
  /** Median CPU per orchestration over the runs, ms. */
  cpuPerInstanceMs: number;
}

async function measure(instances: number, steps: number, rounds: number): Promise<Map<string, Measured>> {
  const runs = new Map<string, RunResult[]>(variants.map((v) => [v.label, []]));
  for (let i = 0; i < rounds; i++) {
    for (const v of variants) {
      const { result } = await runBenchChild<RunResult>('throughput.js', [v.engine, v.store, String(instances), String(steps)]);
      runs.get(v.label)!.push(result);
    }
  }
  return new Map(
    [...runs].map(([label, list]) => {
      return [label, { typical: medianRun(list), runs: list, cpuPerInstanceMs: median(list.map((r) => r.cpuMs / r.instances)) }];
    }),
  );
}

export const throughput: Benchmark = {
  name: 'throughput',
  async run() {
    const rounds = benchRounds(5);
    const results = await measure(1000, 5, rounds);
    const rows: BenchRow[] = [...results].map(([label, m]) => ({
      engine: label,
      'orchestrations/s': round(m.typical.perSecond),
      range: rateRange(m.runs),
      'CPU ms/orchestration': round(m.cpuPerInstanceMs, 2),
      'p50 ms': round(m.typical.p50Ms),
      'p99 ms': round(m.typical.p99Ms),
      'total ms': round(m.typical.totalMs),
    }));
    const file = results.get(variants[0].label)!;
    const memory = results.get(variants[1].label)!;
    const peer = results.get(variants[2].label)!;
    const floor = results.get(variants[3].label)!;
    const cores = os.cpus().length;
    // CPU one orchestration may use if every core worked on nothing else and the peer's rate were matched.
    const budgetMs = (cores * 1000) / peer.typical.perSecond;
    return {
      name: 'throughput',
      title: `1,000 orchestrations × 5 sequential trivial activities, median of ${rounds} run${rounds > 1 ? 's' : ''} each`,
      rows,
      notes: [
        `Goal: file-backed ≥ 1,000 orchestrations/s on 2 cores; median ${round(file.typical.perSecond)}/s ` +
          `(${file.runs.filter((r) => r.perSecond >= 1000).length} of ${rounds} runs reached 1,000/s).`,
        `Goal: memory ≥ durabletask-js peer; median ${round(memory.typical.perSecond)}/s vs ${round(peer.typical.perSecond)}/s ` +
          `(${round(memory.typical.perSecond / peer.typical.perSecond, 2)}×; CPU per orchestration ` +
          `${round(memory.cpuPerInstanceMs, 2)} ms vs ${round(peer.cpuPerInstanceMs, 2)} ms).`,
        `Floor: the same episodes and activities through @azure/functions + durable-functions alone, one instance at a ` +
          `time, no store, queue or engine: ${round(floor.typical.perSecond)}/s, ${round(floor.cpuPerInstanceMs, 2)} ms CPU ` +
          `per orchestration. The host's overhead above it is ${round(memory.cpuPerInstanceMs - floor.cpuPerInstanceMs, 2)} ms ` +
          `(memory store) and ${round(file.cpuPerInstanceMs - floor.cpuPerInstanceMs, 2)} ms (file store).`,
        `Budget: to match the peer's ${round(peer.typical.perSecond)}/s with all ${cores} cores busy, an orchestration may ` +
          `use ${round(budgetMs, 2)} ms CPU; the two libraries the host must run take ${round(floor.cpuPerInstanceMs, 2)} ms ` +
          `of it (${round((floor.cpuPerInstanceMs / budgetMs) * 100, 0)}%) before any store, queue or HTTP API.`,
      ],
    };
  },
};

export const longChain: Benchmark = {
  name: 'long-chain',
  async run() {
    const rounds = benchRounds(3);
    const results = await measure(1, 200, rounds);
    const rows: BenchRow[] = [...results].map(([label, m]) => ({
      engine: label,
      'total ms': round(m.typical.totalMs),
      range: `${round(Math.min(...m.runs.map((r) => r.totalMs)), 0)}–${round(Math.max(...m.runs.map((r) => r.totalMs)), 0)}`,
      'CPU ms': round(m.cpuPerInstanceMs),
    }));
    const file = results.get(variants[0].label)!;
    return {
      name: 'long-chain',
      title: `One orchestration of 200 sequential activities, median of ${rounds} run${rounds > 1 ? 's' : ''} each`,
      rows,
      notes: [`Goal: ≤ 2,000 ms; median ${round(file.typical.totalMs)} ms on the file store.`],
    };
  },
};

export default [throughput, longChain];
