// `npm run bench`: runs every bench/*.bench.ts module (default export: a Benchmark or a list of them),
// prints a table per benchmark and writes bench/results/<name>.json. Each benchmark measures its own
// baseline in the same run; nothing here asserts timings.
import { glob, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchDistDir } from './processes.js';
import type { Benchmark, BenchReport, BenchRow } from './types.js';

const resultsDir = path.resolve(benchDistDir, '../../bench/results');
const only = process.argv.slice(2);

function table(rows: BenchRow[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = [columns, ...rows.map((r) => columns.map((c) => String(r[c] ?? '')))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  const line = (values: string[]): string =>
    values.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

const benchmarks: Benchmark[] = [];
const files: string[] = [];
for await (const file of glob('*.bench.js', { cwd: benchDistDir })) files.push(file);
for (const file of files.sort()) {
  const mod = (await import(pathToFileURL(path.join(benchDistDir, file)).href)) as { default: Benchmark | Benchmark[] };
  benchmarks.push(...(Array.isArray(mod.default) ? mod.default : [mod.default]));
}

await mkdir(resultsDir, { recursive: true });
const environment = { node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100) };
console.log(`Benchmarks on Node ${environment.node}, ${environment.cpus} CPUs, load average ${environment.loadAverage.join(' ')}`);
let failed = false;
for (const benchmark of benchmarks) {
  if (only.length > 0 && !only.includes(benchmark.name)) continue;
  let report: BenchReport;
  try {
    report = await benchmark.run();
  } catch (err) {
    failed = true;
    console.error(`\n${benchmark.name}: FAILED: ${(err as Error).message}`);
    continue;
  }
  console.log(`\n${report.title}\n${table(report.rows)}`);
  for (const note of report.notes) console.log(`  ${note}`);
  const file = path.join(resultsDir, `${report.name}.json`);
  await writeFile(file, `${JSON.stringify({ ...report, measuredAt: new Date().toISOString(), environment }, null, 2)}\n`);
}
if (failed) process.exitCode = 1;
