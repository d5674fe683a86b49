// Local host throughput: 1,000 instances of a 5-sequential-trivial-activity orchestration on the file and the
// memory store, beside the same orchestration on @microsoft/durabletask-js's in-memory test backend; and one
// orchestration of 200 sequential activities (replay cost grows with history). Each run is a fresh process.
// This 2-core VM's speed varies by ±30% from minute to minute, so each variant runs several times, the
// variants taking turns; a row is the run with the median rate, and the range shows the spread.
// The "two hosts at once" rows run two independent host processes with half the instances each, at the same
// time: no routing, no shared store. That is the most that spreading the engine over both cores (partitions, as
// Netherite has) could give here, and it is measured rather than estimated.
import os from 'node:os';
import { benchRounds, median, medianRun, rateRange, round, runBenchChild } from './processes.js';
import type { RunResult } from './child/throughput.js';
import type { Benchmark, BenchRow } from './types.js';

interface Variant {
  engine: 'host' | 'durabletask-js' | 'library';
  store: 'file' | 'memory' | 'none';
  label: string;
  /** Two processes at once, half the instances each. */
  pair?: true;
}

const variants: readonly Variant[] = [
  { engine: 'host', store: 'file', label: 'local host, SQLite file' },
  { engine: 'host', store: 'memory', label: 'local host, SQLite :memory:' },
  { engine: 'durabletask-js', store: 'memory', label: '@microsoft/durabletask-js in-memory backend' },
  { engine: 'library', store: 'none', label: 'floor: @azure/functions + durable-functions calls alone' },
  { engine: 'host', store: 'file', label: 'bound: two hosts at once, SQLite file', pair: true },
  { engine: 'host', store: 'memory', label: 'bound: two hosts at once, SQLite :memory:', pair: true },
];
const [fileVariant, memoryVariant, peerVariant, floorVariant, filePairVariant, memoryPairVariant] = variants as [Variant, Variant, Variant, Variant, Variant, Variant];

async function runVariant(v: Variant, instances: number, steps: number): Promise<RunResult> {
  const run = async (count: number): Promise<RunResult> =>
    (await runBenchChild<RunResult>('throughput.js', [v.engine, v.store, String(count), String(steps)])).result;
  if (!v.pair) return run(instances);
  const halves = await Promise.all([run(Math.ceil(instances / 2)), run(Math.floor(instances / 2))]);
  // Together they are done when the slower half is; its latencies are the ones shown.
  const slower = halves[0].totalMs >= halves[1].totalMs ? halves[0] : halves[1];
  return {
    ...slower,
    instances,
    cpuMs: halves[0].cpuMs + halves[1].cpuMs,
    perSecond: (instances * 1000) / slower.totalMs,
  };
}

interface Measured {
  /** The run with the median rate. */
  typical: RunResult;
  runs: RunResult[];
  /** Median CPU per orchestration over the runs, ms. */
  cpuPerInstanceMs: number;
}

async function measure(instances: number, steps: number, rounds: number): Promise<Map<string, Measured>> {
  const measured = variants.filter((v) => !v.pair || instances > 1);
  const runs = new Map<string, RunResult[]>(measured.map((v) => [v.label, []]));
  for (let i = 0; i < rounds; i++) {
    for (const v of measured) runs.get(v.label)!.push(await runVariant(v, instances, steps));
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
    const file = results.get(fileVariant.label)!;
    const memory = results.get(memoryVariant.label)!;
    const peer = results.get(peerVariant.label)!;
    const floor = results.get(floorVariant.label)!;
    const filePair = results.get(filePairVariant.label)!;
    const memoryPair = results.get(memoryPairVariant.label)!;
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
        `Bound: two independent hosts at once, one per core, reach ${round(filePair.typical.perSecond)}/s on the file store ` +
          `and ${round(memoryPair.typical.perSecond)}/s on the memory store (${round(memoryPair.typical.perSecond / peer.typical.perSecond, 2)}× ` +
          'the peer): no partitioning of one host could do better on these cores.',
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
    const file = results.get(fileVariant.label)!;
    return {
      name: 'long-chain',
      title: `One orchestration of 200 sequential activities, median of ${rounds} run${rounds > 1 ? 's' : ''} each`,
      rows,
      notes: [`Goal: ≤ 2,000 ms; median ${round(file.typical.totalMs)} ms on the file store.`],
    };
  },
};

export default [throughput, longChain];
