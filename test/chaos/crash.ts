// Crash: the host runs in a child process (file store, real clock) against the sandbox in this process.
// Mid-burst the child is SIGKILLed; a new child starts on the same store and the deliveries that got no
// answer are sent again (as the relay retries them). Then: no accepted incident lost, every run completed
// with its effects, no mail sent twice, no comment or task added twice, no secret in the child's output.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OrchestrationStatus } from '../../src/host/durable/runtime.js';
import type { ChaosCase } from './cases.js';
import { CHAOS_SETTINGS, deliver, pool, type ChaosEnv, type Delivery } from './env.js';
import type { ScenarioResult } from './report.js';
import { expectCompleted, findSecrets, knownSecrets, PLANTED_SETTINGS } from './scenarios.js';

const childEntry = fileURLToPath(new URL('./crashChild.js', import.meta.url));
const CONCURRENCY = 50;

interface Child {
  process: ChildProcess;
  url: string;
  output: string[];
  exited: Promise<NodeJS.Signals | number | null>;
}

async function startChild(settingsFile: string, store: string): Promise<Child> {
  const child = spawn(process.execPath, [childEntry, settingsFile, store], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  const url = await new Promise<string>((resolve, reject) => {
    let pending = '';
    child.stdout!.on('data', (d: Buffer) => {
      output.push(d.toString());
      pending += d.toString();
      const m = /listening (\S+)\n/.exec(pending);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    void exited.then((how) => reject(new Error(`the host child exited (${how}) before listening: ${output.join('').slice(-2000)}`)));
  });
  return { process: child, url, output, exited };
}

/** Every instance's status through the Durable HTTP API, page by page. */
async function allStatuses(child: Child, key: string): Promise<Map<string, OrchestrationStatus>> {
  const out = new Map<string, OrchestrationStatus>();
  let token: string | undefined;
  do {
    const res = await fetch(`${child.url}/runtime/webhooks/durabletask/instances?top=1000&code=${key}`, {
      headers: token ? { 'x-ms-continuation-token': token } : {},
    });
    for (const s of (await res.json()) as OrchestrationStatus[]) out.set(s.instanceId, s);
    token = res.headers.get('x-ms-continuation-token') ?? undefined;
  } while (token);
  return out;
}

async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  await child.exited;
}

/** `killAfter`: accepted deliveries before the SIGKILL. `timeoutMs`: how long the runs may take after the restart. */
export async function crash(env: ChaosEnv, cases: readonly ChaosCase[], options: { killAfter: number; timeoutMs: number }): Promise<ScenarioResult> {
  await env.reset();
  // GitHub's 60 unauthenticated credential revocations an hour are the burst's subject; here the runs over it
  // would only wait minutes of real-time durable retries before failing, so the sandbox allows more.
  env.world().github.rateLimits.push({ caller: 'anonymous', limit: 100_000, used: 0, resetAt: Math.floor(Date.now() / 1000) + 3600 });
  const started = Date.now();
  const out: ScenarioResult = { scenario: 'crash', deliveries: 0, runs: 0, completed: 0, failed: 0, lost: 0, duplicates: 0, timeMs: 0, notes: [], problems: [] };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'soar-chaos-crash-'));
  const children: Child[] = [];
  try {
    const settingsFile = path.join(dir, 'settings.json');
    const settings = { ...env.sandbox.appSettings, ...CHAOS_SETTINGS, ...PLANTED_SETTINGS };
    await writeFile(settingsFile, JSON.stringify(settings), { mode: 0o600 });
    const store = path.join(dir, 'host.sqlite');
    const key = PLANTED_SETTINGS.SOAR_FUNCTION_KEY!;

    // First life: deliveries in flight when it is killed.
    const first = await startChild(settingsFile, store);
    children.push(first);
    // The first `killAfter` deliveries are answered and their runs start sending mail; then the rest go out together
    // and the host is killed while they are in flight (each takes several loopback round trips in the host).
    // Phased so that the kill lands mid-burst whatever the machine's speed.
    let accepted = 0;
    const send = async (c: ChaosCase): Promise<Delivery> => {
      const d = await deliver(first.url, key, c);
      if (d.reply.status === 202 || d.reply.status === 200) accepted++;
      return d;
    };
    const head = await pool(cases.slice(0, options.killAfter), CONCURRENCY, send);
    const progressDeadline = Date.now() + 30_000;
    while (env.world().email.outbox.length === 0 && Date.now() < progressDeadline) await new Promise((resolve) => setTimeout(resolve, 5));
    const tailSent = pool(cases.slice(options.killAfter), CONCURRENCY, send);
    await new Promise((resolve) => setTimeout(resolve, 2));
    const killedAt = accepted;
    first.process.kill('SIGKILL');
    const firstTry = [...head, ...(await tailSent)];
    const how = await first.exited;
    if (how !== 'SIGKILL') out.problems.push(`the first host ended ${how}, not by SIGKILL`);
    const beforeKill = env.world().email.outbox.length;

    // Second life on the same store: the relay sends again what got no answer.
    const second = await startChild(settingsFile, store);
    children.push(second);
    const unanswered = firstTry.filter((d) => d.reply.status !== 202 && d.reply.status !== 200);
    const retried = await pool(unanswered.map((d) => d.case), CONCURRENCY, (c) => deliver(second.url, key, c));
    out.deliveries = firstTry.length + retried.length;
    const answered = new Map<ChaosCase, Delivery>();
    for (const d of [...firstTry, ...retried]) if (d.reply.status === 202 || d.reply.status === 200) answered.set(d.case, d);

    const ids = new Map<ChaosCase, string>();
    for (const c of cases) {
      const d = answered.get(c);
      const run = d?.runs.find((r) => r.playbook === c.playbook);
      if (run) ids.set(c, run.instanceId);
      else out.problems.push(`${c.name}: never accepted: ${d?.reply.status ?? 'no answer'} ${d?.reply.text.slice(0, 200) ?? ''}`);
    }

    let statuses = new Map<string, OrchestrationStatus>();
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      statuses = await allStatuses(second, key);
      const open = [...ids.values()].filter((id) => !['Completed', 'Failed', 'Terminated'].includes(statuses.get(id)?.runtimeStatus ?? ''));
      if (open.length === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    out.timeMs = Date.now() - started;
    await stopChild(second);

    out.runs = ids.size;
    const world = env.world();
    for (const [c, id] of ids) {
      const status = statuses.get(id)?.runtimeStatus;
      if (status === 'Completed') out.completed++;
      else if (status === 'Failed') out.failed++;
      else {
        out.lost++;
        out.problems.push(`${c.name}: run ${id} is ${status ?? 'missing'} after the restart`);
      }
    }
    expectCompleted(world, ids, statuses, out);

    // ACS de-duplicates on Operation-Id: a send repeated after the kill reuses its id and adds no mail.
    const sends = env.sandbox.calls({ service: 'acs' }).filter((call) => call.method === 'POST' && call.status === 202).length;
    const operations = new Set(world.email.operations.map((o) => o.id)).size;
    const outboxIds = new Set(world.email.outbox.map((m) => m.operationId)).size;
    if (outboxIds !== world.email.outbox.length) out.problems.push(`${world.email.outbox.length - outboxIds} mails share an operation id`);
    out.notes.push(
      `killed after ${killedAt} accepted deliveries (${beforeKill} mails sent by then); ${unanswered.length} unanswered deliveries sent again; ` +
        `${sends} accepted sends for ${operations} distinct operation ids (${sends - operations} repeated sends absorbed by Operation-Id)`,
    );
    // Comments and tasks are PUT under ids derived from (run, step): an activity re-run after the kill
    // writes the same id again instead of adding a second one.
    const writes = new Map<string, number>();
    for (const call of env.sandbox.calls({ service: 'sentinel' })) {
      if (call.method === 'PUT' && call.status < 300 && /\/(comments|tasks)\//.test(call.path)) writes.set(call.path, (writes.get(call.path) ?? 0) + 1);
    }
    const rewritten = [...writes.values()].filter((n) => n > 1).length;
    out.notes.push(`${rewritten} comment or task writes repeated under the same id (activities re-run after the kill)`);
    if (unanswered.length === 0) out.problems.push('the kill interrupted no delivery');
    if (beforeKill === 0) out.problems.push('the kill came before any run made progress');

    const output = children.flatMap((c, i) => c.output.join('').split('\n').map((line, n): [string, string] => [`host ${i + 1} output line ${n}`, line]));
    out.problems.push(...findSecrets(knownSecrets(env, cases), output));
    out.notes.push(`${output.length} lines of host output searched for secrets`);
  } finally {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}
