// What a benchmark module exports. bench/run.ts runs every `bench/*.bench.ts` module's default export.
export type BenchRow = Record<string, string | number>;

export interface BenchReport {
  /** File name of the JSON result: bench/results/<name>.json. */
  name: string;
  title: string;
  rows: BenchRow[];
  /** The goal and how this run compares, in words. */
  notes: string[];
}

export interface Benchmark {
  name: string;
  run(): Promise<BenchReport>;
}
