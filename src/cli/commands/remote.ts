// Commands that talk to the app over HTTP: playbooks, run, runs, show, cancel, approve/reject, export.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ParsedArgs } from '../args.js';
import { positionals, UsageError } from '../args.js';
import { callApi, targetFrom, type Target } from '../client.js';
import { outcomeText, runHeader, runsTable, stepLine, timelineText, type Io } from '../output.js';
import type { RunDetail, RunPage } from '../../operations/runs.js';
import type { ManualRunResponse } from '../../operations/manualRun.js';
import { isTerminal } from '../../operations/runs.js';

interface CatalogueEntry {
  name: string;
  title?: string;
  version?: string;
  trigger?: { enabled?: boolean } & Record<string, unknown>;
  permissions?: { api: string; kind: string; name: string; grantedBy: string }[];
}

/** The trigger's criteria on one line: `analyticRuleIds a, b; severities High; eventTypes Create`. */
export function triggerSummary(trigger: CatalogueEntry['trigger']): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(trigger ?? {})) {
    if (key === 'enabled' || value === undefined) continue;
    if (Array.isArray(value)) parts.push(`${key} ${value.map(String).join(', ')}`);
    else if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${Array.isArray(v) ? (v.length ? v.join('|') : '(present)') : String(v)}`);
      parts.push(`${key} ${entries.join(', ')}`);
    } else parts.push(`${key} ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
  }
  return parts.join('; ') || 'no criteria (every incident)';
}

/**
 * The permissions on one line, by API and by who grants them:
 * `Sentinel 'Microsoft Sentinel Responder' (deployment); GitHub 'metadata:read', 'administration:write' (manual)`.
 */
export function permissionSummary(permissions: CatalogueEntry['permissions']): string {
  if (!permissions) return 'not declared (the playbook lists no actions; soar doctor counts every action for it)';
  if (permissions.length === 0) return 'none';
  const groups = new Map<string, { api: string; grantedBy: string; names: string[] }>();
  for (const p of permissions) {
    const grantedBy = p.grantedBy === 'arm' ? 'deployment' : 'manual';
    const key = `${p.api} (${grantedBy})`;
    const group = groups.get(key) ?? { api: p.api, grantedBy, names: [] };
    group.names.push(`'${p.name}'`);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => `${g.api} ${g.names.join(', ')} (${g.grantedBy})`).join('; ');
}

export async function playbooksCommand(args: ParsedArgs, io: Io): Promise<number> {
  positionals(args, []);
  const { body } = await callApi<unknown>(targetFrom(args.values, io.env, io.cwd), 'GET', '/api/playbooks');
  if (args.switches.has('json')) {
    io.out(JSON.stringify(body, null, 2));
    return 0;
  }
  const list = Array.isArray(body) ? body : ((body as { playbooks?: unknown }).playbooks as unknown[] | undefined) ?? [];
  for (const p of list as CatalogueEntry[]) {
    io.out(`${p.name}${p.version ? `@${p.version}` : ''}${p.trigger?.enabled === false ? ' (disabled)' : ''}${p.title ? `  ${p.title}` : ''}`);
    io.out(`    trigger: ${triggerSummary(p.trigger)}`);
    io.out(`    permissions: ${permissionSummary(p.permissions)}`);
  }
  if (list.length === 0) io.out('No playbooks.');
  return 0;
}

export async function runCommand(args: ParsedArgs, io: Io): Promise<number> {
  const [playbook] = positionals(args, ['playbook']);
  const incident = args.values.get('incident');
  if (!incident) throw new UsageError('soar run needs --incident <ARM id | number | file>.');
  const dryRun = args.switches.has('dry-run');
  const request: Record<string, unknown> = { ...(await incidentSelector(incident, io.cwd)), dryRun, force: args.switches.has('force') };
  const target = targetFrom(args.values, io.env, io.cwd);
  const { body: started } = await callApi<ManualRunResponse>(target, 'POST', `/api/playbooks/${encodeURIComponent(playbook as string)}/runs`, request);
  // A dry run's plan exists only once it has finished, so a dry run always waits.
  if (!args.switches.has('wait') && !dryRun) {
    if (args.switches.has('json')) io.out(JSON.stringify(started, null, 2));
    else io.out(`${started.duplicate ? 'Existing run' : 'Started'} ${started.instanceId}: ${started.urls.run}`);
    return 0;
  }
  if (!args.switches.has('json')) io.out(`${started.duplicate ? 'Following existing run' : 'Started'} ${started.instanceId}`);
  const run = await follow(target, started.instanceId, io, {
    pollMs: numberFlag(args, 'poll-ms', 500),
    timeoutMs: numberFlag(args, 'timeout-ms', 10 * 60_000),
    live: !args.switches.has('json'),
  });
  if (args.switches.has('json')) io.out(JSON.stringify(run, null, 2));
  else for (const line of outcomeText(run)) io.out(line);
  if (!args.switches.has('json')) io.out(`Run ${run.status}.`);
  return run.status === 'Completed' ? 0 : 1;
}

export async function runsCommand(args: ParsedArgs, io: Io): Promise<number> {
  positionals(args, []);
  const query = new URLSearchParams();
  for (const name of ['incident', 'status', 'playbook', 'from', 'to', 'top'] as const) {
    const v = args.values.get(name);
    if (v !== undefined) query.set(name, v);
  }
  const target = targetFrom(args.values, io.env, io.cwd);
  let token = args.values.get('continuation-token');
  const runs: RunPage['runs'] = [];
  for (;;) {
    if (token) query.set('continuationToken', token);
    const { body } = await callApi<RunPage>(target, 'GET', `/api/runs?${query}`);
    runs.push(...body.runs);
    token = body.continuationToken;
    if (!token || !args.switches.has('all')) break;
  }
  if (args.switches.has('json')) io.out(JSON.stringify(token ? { runs, continuationToken: token } : { runs }, null, 2));
  else {
    for (const line of runsTable(runs)) io.out(line);
    if (token) io.out(`More runs: --continuation-token ${token} (or --all)`);
  }
  return 0;
}

export async function showCommand(args: ParsedArgs, io: Io): Promise<number> {
  const [id] = positionals(args, ['run']);
  const run = await getRun(targetFrom(args.values, io.env, io.cwd), id as string);
  if (args.switches.has('json')) io.out(JSON.stringify(run, null, 2));
  else for (const line of timelineText(run)) io.out(line);
  return 0;
}

export async function cancelCommand(args: ParsedArgs, io: Io): Promise<number> {
  const [id] = positionals(args, ['run']);
  const reason = args.values.get('reason') ?? 'Cancelled from the soar CLI';
  const { body } = await callApi<unknown>(targetFrom(args.values, io.env, io.cwd), 'POST', `/api/runs/${encodeURIComponent(id as string)}/cancel`, { reason });
  if (args.switches.has('json')) io.out(JSON.stringify(body, null, 2));
  else io.out(`Cancelled ${id}.`);
  return 0;
}

export async function decideCommand(decision: 'approve' | 'reject', args: ParsedArgs, io: Io): Promise<number> {
  const [id] = positionals(args, ['run']);
  // An empty SOAR_APPROVER (set but blank, as `SOAR_APPROVER=` leaves it) counts as unset; so does an empty USER.
  const approver = args.values.get('approver') ?? (io.env['SOAR_APPROVER'] || io.env['USER']);
  if (!approver) throw new UsageError('Name the approver with --approver <e-mail> (or SOAR_APPROVER).');
  const { body } = await callApi<unknown>(targetFrom(args.values, io.env, io.cwd), 'POST', `/api/runs/${encodeURIComponent(id as string)}/approval`, { decision, approver });
  if (args.switches.has('json')) io.out(JSON.stringify(body, null, 2));
  else io.out(`${decision === 'approve' ? 'Approved' : 'Rejected'} ${id} as ${approver}.`);
  return 0;
}

export async function exportCommand(args: ParsedArgs, io: Io): Promise<number> {
  const [id] = positionals(args, ['run']);
  const { body } = await callApi<unknown>(targetFrom(args.values, io.env, io.cwd), 'GET', `/api/runs/${encodeURIComponent(id as string)}/history`);
  const file = path.resolve(io.cwd, args.values.get('out') ?? `${(id as string).replace(/[^\w.-]/g, '_')}.history.json`);
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
  if (args.switches.has('json')) io.out(JSON.stringify({ instanceId: id, file }));
  else io.out(`Wrote ${file}`);
  return 0;
}

async function getRun(target: Target, id: string): Promise<RunDetail> {
  return (await callApi<RunDetail>(target, 'GET', `/api/runs/${encodeURIComponent(id)}`)).body;
}

/** Polls the run until it ends, printing each step as it finishes (live progress). */
async function follow(target: Target, id: string, io: Io, o: { pollMs: number; timeoutMs: number; live: boolean }): Promise<RunDetail> {
  const printed = new Map<number, string>();
  const deadline = Date.now() + o.timeoutMs;
  let lastStatus = '';
  for (;;) {
    const run = await getRun(target, id);
    if (o.live) {
      if (lastStatus === '') io.out(runHeader(run));
      run.timeline.forEach((step, i) => {
        const line = stepLine(step);
        if (step.status !== 'running' && printed.get(i) !== line) {
          printed.set(i, line);
          io.out(line);
        }
      });
      const current = typeof run.customStatus === 'object' && run.customStatus !== null ? (run.customStatus as { step?: unknown }).step : undefined;
      const status = `${run.status}${typeof current === 'string' ? `: ${current}` : ''}`;
      if (status !== lastStatus && !isTerminal(run.status)) io.err(`  [${status}]`);
      lastStatus = status;
    }
    if (isTerminal(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`Run ${id} did not finish within ${o.timeoutMs} ms (still ${run.status}).`);
    await new Promise((resolve) => setTimeout(resolve, o.pollMs));
  }
}

/** `--incident` is an incident file, an incident number or an ARM id. */
async function incidentSelector(value: string, cwd: string): Promise<Record<string, unknown>> {
  if (/^\d+$/.test(value)) return { incidentNumber: Number(value) };
  if (value.startsWith('/subscriptions/')) return { incidentId: value };
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, value), 'utf8');
  } catch {
    throw new UsageError(`--incident ${value} is neither an incident number, an ARM id (/subscriptions/…) nor a readable file.`);
  }
  try {
    return { incident: JSON.parse(text) as unknown };
  } catch (err) {
    throw new UsageError(`${value} is not JSON: ${(err as Error).message}`);
  }
}

function numberFlag(args: ParsedArgs, name: string, fallback: number): number {
  const raw = args.values.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer.`);
  return n;
}
