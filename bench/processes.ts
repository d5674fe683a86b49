// Runs a benchmark child process (a built file under dist/bench/child/) and reads its last JSON line.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDistDir = path.dirname(fileURLToPath(import.meta.url));

export interface ChildRun<T> {
  result: T;
  wallMs: number;
}

export function runBenchChild<T>(script: string, args: string[]): Promise<ChildRun<T>> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(benchDistDir, 'child', script), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) {
        reject(new Error(`${script} ${args.join(' ')} exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
        return;
      }
      try {
        resolve({ result: JSON.parse(last) as T, wallMs });
      } catch {
        reject(new Error(`${script} printed no JSON result: ${last}`));
      }
    });
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The run with the median rate: on a VM whose speed drifts, the typical one (best-of would flatter). */
export function medianRun<T extends { perSecond: number }>(runs: T[]): T {
  const byRate = [...runs].sort((a, b) => a.perSecond - b.perSecond);
  return byRate[Math.floor((byRate.length - 1) / 2)]!;
}

/** The rate's range over the runs, for a table cell: "612–1,004". */
export function rateRange(runs: { perSecond: number }[]): string {
  const rates = runs.map((r) => Math.round(r.perSecond));
  return `${Math.min(...rates)}–${Math.max(...rates)}`;
}

/** How many times each variant runs: BENCH_ROUNDS, or the benchmark's default. */
export function benchRounds(defaultRounds: number): number {
  const setting = process.env.BENCH_ROUNDS;
  if (setting === undefined || setting === '') return defaultRounds;
  const value = Number(setting);
  if (!Number.isInteger(value) || value < 1) throw new Error(`BENCH_ROUNDS must be a positive integer, got "${setting}".`);
  return value;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
