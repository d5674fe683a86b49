// What commands print: human text on stdout, progress on stderr, or one JSON document with --json.
import type { RunDetail, RunSummary } from '../operations/runs.js';
import { formatDuration } from '../operations/page.js';
import type { TimelineStep } from '../operations/timeline.js';

export interface Io {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  cwd: process.cwd(),
};

const marks: Record<TimelineStep['status'], string> = {
  succeeded: '✓', planned: '◇', failed: '✗', running: '…', waiting: '⧗',
};

/** A step's mark, title, duration and attempts: how both the live progress and `soar show` start a step's line. */
function stepHead(step: TimelineStep): string {
  const duration = step.durationInMs === undefined ? '' : ` (${formatDuration(step.durationInMs)})`;
  const attempts = step.attempts > 1 ? `, ${step.attempts} attempts` : '';
  return `  ${marks[step.status]} ${step.title}${duration}${attempts}`;
}

export function stepLine(step: TimelineStep): string {
  const error = step.error ? `\n      ${step.error}` : '';
  return `${stepHead(step)}${step.status === 'planned' ? ' [planned]' : ''}${error}`;
}

export function runHeader(run: RunSummary): string {
  const incident = run.incident
    ? `incident ${run.incident.number !== undefined ? `#${run.incident.number} ` : ''}${run.incident.title ?? run.incident.name}`
    : 'no incident';
  return `${run.playbook} · ${run.instanceId} · ${run.status}${run.dryRun ? ' (dry run)' : ''} · ${incident}`;
}

/** `soar show`: each step with its start time, then its result (planned input for a dry run's step) or error. */
export function timelineText(run: RunDetail): string[] {
  const lines = [runHeader(run), `  started ${run.createdAt}, last update ${run.lastUpdatedAt}`];
  if (run.timeline.length === 0) lines.push('  (no steps yet)');
  for (const step of run.timeline) lines.push(...detailedStepLines(step));
  return [...lines, ...outcomeText(run)];
}

function detailedStepLines(step: TimelineStep): string[] {
  const lines = [`${stepHead(step)} · started ${step.startedAt}`];
  if (step.error) lines.push(`      error: ${step.error}`);
  else if (step.status === 'planned') lines.push(`      planned: ${plannedInput(step.result).replace(/^: /, '') || '(no input)'}`);
  else if (step.result !== undefined) lines.push(`      result: ${clip(JSON.stringify(step.result))}`);
  return lines;
}

function clip(text: string): string {
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

/** The plan of a dry run and the run's output. */
export function outcomeText(run: RunDetail): string[] {
  const lines: string[] = [];
  const plan = run.timeline.filter((s) => s.status === 'planned');
  if (plan.length > 0) {
    lines.push('Plan (nothing was changed; these actions would run):');
    plan.forEach((s, i) => lines.push(`  ${i + 1}. ${s.title}${plannedInput(s.result)}`));
  }
  if (run.output !== undefined) lines.push(`Output: ${JSON.stringify(run.output)}`);
  return lines;
}

export function runsTable(runs: readonly RunSummary[]): string[] {
  if (runs.length === 0) return ['No runs.'];
  const rows = runs.map((r) => [
    r.createdAt.replace('T', ' ').slice(0, 19), r.status, r.playbook,
    r.incident ? (r.incident.number !== undefined ? `#${r.incident.number}` : r.incident.name) : '-', r.instanceId,
  ]);
  const header = ['STARTED', 'STATUS', 'PLAYBOOK', 'INCIDENT', 'RUN'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

function plannedInput(result: unknown): string {
  if (typeof result !== 'object' || result === null) return '';
  const input = (result as { input?: unknown }).input;
  if (typeof input !== 'object' || input === null) return '';
  // The incident is the run's own; what else the action would get is the interesting part.
  const { incidentId: _incidentId, ...rest } = input as Record<string, unknown>;
  return `: ${clip(JSON.stringify(rest))}`;
}
