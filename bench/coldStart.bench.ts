// Cold start: wall time and peak RSS of a process that imports the built app entry (dist/functions/*.js),
// against a bare app with only @azure/functions + durable-functions, one orchestration and one activity.
import { median, round, runBenchChild } from './processes.js';
import type { Benchmark, BenchRow } from './types.js';

// Process start-up varies by tens of milliseconds on a busy machine; the median of 15 is steady to a few percent.
const runs = 15;

const benchmark: Benchmark = {
  name: 'cold-start',
  async run() {
    const samples: Record<'app' | 'bare', { wallMs: number; rssMb: number; functions: number }[]> = { app: [], bare: [] };
    // Interleaved, so both see the same machine load.
    for (let i = 0; i < runs; i++) {
      for (const mode of ['bare', 'app'] as const) {
        const { result, wallMs } = await runBenchChild<{ functions: number; maxRssKb: number }>('coldStart.js', [mode]);
        samples[mode].push({ wallMs, rssMb: result.maxRssKb / 1024, functions: result.functions });
      }
    }
    const summary = (mode: 'app' | 'bare') => ({
      wallMs: median(samples[mode].map((s) => s.wallMs)),
      rssMb: median(samples[mode].map((s) => s.rssMb)),
      functions: samples[mode][0]!.functions,
    });
    const bare = summary('bare');
    const app = summary('app');
    const row = (label: string, s: typeof bare): BenchRow => ({
      entry: label,
      functions: s.functions,
      'wall ms (median)': round(s.wallMs),
      'peak RSS MB': round(s.rssMb),
      'wall × bare': round(s.wallMs / bare.wallMs, 2),
      'RSS × bare': round(s.rssMb / bare.rssMb, 2),
    });
    return {
      name: 'cold-start',
      title: `Cold start (median of ${runs} processes each)`,
      rows: [row('bare (@azure/functions + durable-functions)', bare), row('app (dist/functions/*.js)', app)],
      notes: [
        `Goal: app ≤ 1.15× bare in wall time and RSS. This run: ${round(app.wallMs / bare.wallMs, 2)}× wall, ` +
          `${round(app.rssMb / bare.rssMb, 2)}× RSS.`,
      ],
    };
  },
};
export default benchmark;
