// The figures of a chaos scenario: one table row each, printed together, and one JSON file per scenario
// under bench/results/chaos-<scenario>.json.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './env.js';

export interface ScenarioResult {
  scenario: string;
  /** POSTs to /api/incidents (redeliveries included). */
  deliveries: number;
  /** Playbook runs started. */
  runs: number;
  completed: number;
  failed: number;
  /** Accepted incidents without a finished run. */
  lost: number;
  /** Effects found twice (mails, comments, tasks) or non-idempotent calls repeated. */
  duplicates: number;
  timeMs: number;
  /** What else the scenario measured (e.g. faults injected, resends absorbed). */
  notes: string[];
  /** Every expectation that did not hold; empty when the scenario passed. */
  problems: string[];
}

const columns = ['scenario', 'deliveries', 'runs', 'completed', 'failed', 'lost', 'duplicates', 'time'] as const;

function cells(r: ScenarioResult): string[] {
  return [r.scenario, String(r.deliveries), String(r.runs), String(r.completed), String(r.failed), String(r.lost), String(r.duplicates), `${(r.timeMs / 1000).toFixed(1)} s`];
}

/** A Markdown table of the rows, plus their notes and (at most 10 per row) problems. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const rows = [columns.map(String), ...results.map(cells)];
  const widths = columns.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const out = [line(rows[0]!), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`, ...rows.slice(1).map(line)];
  for (const r of results) {
    for (const note of r.notes) out.push(`- ${r.scenario}: ${note}`);
    for (const problem of r.problems.slice(0, 10)) out.push(`- ${r.scenario} PROBLEM: ${problem}`);
    if (r.problems.length > 10) out.push(`- ${r.scenario}: ${r.problems.length - 10} more problems`);
  }
  return out.join('\n');
}

/** Writes bench/results/chaos-<scenario>.json (git-ignored); the light run's go to chaos-<scenario>.light.json. */
export async function writeResult(result: ScenarioResult, size: 'light' | 'full'): Promise<void> {
  const dir = path.join(repoRoot, 'bench/results');
  await mkdir(dir, { recursive: true });
  const body = {
    ...result,
    size,
    measuredAt: new Date().toISOString(),
    environment: { node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))) },
  };
  await writeFile(path.join(dir, `chaos-${result.scenario}${size === 'light' ? '.light' : ''}.json`), JSON.stringify(body, null, 2) + '\n');
}
