// Intake benchmark: 5,000 incident deliveries (each a distinct incident, so each starts one durable run and
// is written to the ledger) against a trivial HTTP function on the same host, same run, same concurrency
// and body. The host (this process) uses a file-backed durable store, as a deployment would; the load
// generator runs in a child process (bench/child/intakeLoad.ts), so the host's CPU is measured alone.
//
// BENCH_INTAKE_PROFILE=<file.cpuprofile> also profiles the host during the measured intake phase (until its
// runs have completed), writes the profile and adds a table of where the host's CPU went.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHost, type LocalHost } from '../src/host/index.js';
import { HostLogger } from '../src/host/log.js';
import type { LoadPhase, LoadResult } from './child/intakeLoad.js';
import { medianRun, rateRange, round } from './processes.js';
import type { BenchReport, BenchRow } from './types.js';

export interface BenchIntakeOptions {
  deliveries?: number;
  concurrency?: number;
  /** Measured rounds of baseline, floor and intake, interleaved so all see the same machine load; each row is the median round. Default 1. */
  rounds?: number;
  /** Write a CPU profile of the host's measured intake phase here, and report where its CPU went. */
  profilePath?: string;
}

interface Measurement extends LoadResult {
  perSecond: number;
  /** Host process CPU from the first request to the last answer. */
  hostCpuMs: number;
  /** Host process CPU from the first request until every run it started has completed. */
  hostCpuToIdleMs: number;
  /** Share of wall time the host's event loop was busy while the phase ran (1 = saturated). */
  eventLoopUtilization: number;
  instancesStarted: number;
  profile?: CpuProfile;
}

const appEntry = fileURLToPath(new URL('./intakeApp.js', import.meta.url));
const loadScript = fileURLToPath(new URL('./child/intakeLoad.js', import.meta.url));
const fixturePath = fileURLToPath(new URL('../../test/fixtures/incidents/secret-committed-github.json', import.meta.url));
const marker = 'inc-secret-committed-github';

export async function benchIntake(options: BenchIntakeOptions = {}): Promise<BenchReport> {
  const deliveries = options.deliveries ?? 5000;
  const concurrency = options.concurrency ?? 32;
  const rounds = options.rounds ?? 1;
  const profilePath = options.profilePath ?? (process.env.BENCH_INTAKE_PROFILE || undefined);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'soar-bench-intake-'));
  await writeFile(path.join(dir, 'host.json'), JSON.stringify({ version: '2.0', extensions: { http: { routePrefix: 'api' } } }));
  const host = await startHost({
    appDir: dir,
    main: appEntry,
    port: 0,
    storePath: path.join(dir, 'durable.sqlite'),
    logger: new HostLogger({ mode: 'silent' }),
  });
  const loader = await LoadGenerator.start();
  try {
    const headers = { 'content-type': 'application/json', 'x-functions-key': host.functionKey };
    const phase = (route: string, prefix: string, count: number, expectedStatus: number): LoadPhase => ({
      url: `${host.url}${route}`,
      headers,
      templatePath: fixturePath,
      marker,
      prefix,
      count,
      concurrency,
      expectedStatus,
    });
    // Warm both paths (module loading, JIT, SQLite pages, the load generator's connections) before measuring.
    await measure(host, loader, phase('/api/bench/ping', 'inc-warm-', 300, 202));
    await measure(host, loader, phase('/api/incidents', 'inc-warm-', 300, 202));
    await measure(host, loader, phase('/api/bench/schedule', 'inc-warm-', 300, 202));
    const baselines: Measurement[] = [];
    const floors: Measurement[] = [];
    const intakes: Measurement[] = [];
    let profile: CpuProfile | undefined;
    for (let turn = 0; turn < rounds; turn++) {
      baselines.push(await measure(host, loader, phase('/api/bench/ping', `inc-bench-${turn}-`, deliveries, 202)));
      floors.push(await measure(host, loader, phase('/api/bench/schedule', `inc-bench-${turn}-`, deliveries, 202)));
      const profiled = profilePath !== undefined && turn === rounds - 1;
      intakes.push(await measure(host, loader, phase('/api/incidents', `inc-bench-${turn}-`, deliveries, 202), profiled));
      profile = intakes.at(-1)!.profile ?? profile;
    }
    const result = medianRun(intakes);
    const baseline = medianRun(baselines);
    const floor = medianRun(floors);
    const rows: BenchRow[] = [
      row('POST /api/incidents', result, intakes),
      row('floor: status check + start only', floor, floors),
      row('baseline: trivial HTTP function', baseline, baselines),
    ];
    const cores = os.cpus().length;
    const notes = [
      `Goal: >= 1,000 accepted/s and p99 <= 50 ms on 2 cores; median ${result.perSecond}/s, p99 ${round(result.p99Ms)} ms ` +
        `(baseline ${baseline.perSecond}/s, p99 ${round(baseline.p99Ms)} ms). With ${concurrency} in flight the mean latency is ` +
        `${concurrency} / throughput, so p99 <= 50 ms needs more than ${round((concurrency / 50) * 1000)}/s.`,
      `Host CPU per delivery: ${perRequest(result.hostCpuToIdleMs, result)} ms until its runs completed ` +
        `(${perRequest(result.hostCpuMs, result)} ms while answering); baseline ${perRequest(baseline.hostCpuMs, baseline)} ms. ` +
        `The host's event loop was busy ${round(result.eventLoopUtilization * 100)}% of the intake phase: its one JavaScript ` +
        'thread is what limits the rate, and the second core mostly idles.',
      `Floor: an HTTP function that only checks for the instance and starts it through durable-functions' client (the ` +
        `two calls durable scheduling of a delivery needs, with no validation, routing or ledger) reaches ` +
        `${floor.perSecond}/s, p99 ${round(floor.p99Ms)} ms, ${perRequest(floor.hostCpuToIdleMs, floor)} ms host CPU per ` +
        'delivery: what intake could reach if everything else were free.',
      `Budget: at 1,000 deliveries/s, ${cores} cores give each delivery ${cores} ms of CPU, of which the load generator ` +
        `took ${perRequest(result.cpuMs, result)} ms: ${round(cores - perRequest(result.cpuMs, result), 2)} ms for the host. ` +
        `The floor alone used ${perRequest(floor.hostCpuToIdleMs, floor)} ms, before validating the incident.`,
      `Durable instances started per delivery: ${round(result.instancesStarted / result.requests, 2)} (one run, and the ledger's ` +
        'group-committed instances).',
      `Distinct incidents of ${result.bodyBytes} bytes; each delivery: validate + normalise, route, instance lookup, startNew, ` +
        'ledger record; SQLite file store. Runs execute in the background on the same host while the deliveries arrive; ' +
        'host CPU counts until they have completed.',
      'The load generator is a child process (bench/child/intakeLoad.ts); its CPU is the last column, not the host\'s.',
    ];
    const report: BenchReport = {
      name: 'intake',
      title: `Incident intake: ${deliveries} deliveries, ${concurrency} in flight, median of ${rounds} round${rounds > 1 ? 's' : ''}`,
      rows,
      notes,
    };
    if (profile && profilePath) {
      await writeFile(profilePath, JSON.stringify(profile));
      const breakdown = cpuBreakdown(profile);
      const total = breakdown.reduce((sum, b) => sum + b.ms, 0);
      report.rows.push(
        ...breakdown.map((b) => ({
          subject: `  profile: ${b.category}`,
          'host CPU ms/delivery': round(b.ms / deliveries, 3),
          share: `${round((b.ms / total) * 100)}%`,
        })),
      );
      notes.push(`CPU profile of the host's last intake phase (until idle): ${profilePath}; ${round(total)} ms sampled, idle excluded.`);
    }
    return report;
  } finally {
    loader.close();
    await host.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function row(subject: string, m: Measurement, rounds: Measurement[]): BenchRow {
  return {
    subject,
    requests: m.requests,
    'accepted/s': m.perSecond,
    range: rateRange(rounds),
    'p50 ms': round(m.p50Ms),
    'p90 ms': round(m.p90Ms),
    'p99 ms': round(m.p99Ms),
    'host CPU ms/delivery': perRequest(m.hostCpuToIdleMs, m),
    'host ELU': round(m.eventLoopUtilization, 2),
    'loadgen CPU ms/request': perRequest(m.cpuMs, m),
    errors: m.errors,
  };
}

/** One phase; with `profiled`, a CPU profile of the host from the first request until its runs completed. */
async function measure(host: LocalHost, loader: LoadGenerator, phase: LoadPhase, profiled = false): Promise<Measurement> {
  await host.durable.waitForIdle();
  const before = (await host.durable.query({ top: 1_000_000 })).instances.length;
  const profiling = profiled ? await startProfiling() : undefined;
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const result = await loader.run(phase);
  const hostCpu = process.cpuUsage(cpu);
  const eventLoopUtilization = performance.eventLoopUtilization(elu).utilization;
  await host.durable.waitForIdle();
  const hostCpuToIdle = process.cpuUsage(cpu);
  const profile = await profiling?.stop();
  const after = (await host.durable.query({ top: 1_000_000 })).instances.length;
  if (result.errors > 0) {
    throw new Error(`${result.errors} of ${result.requests} requests to ${phase.url} answered otherwise than ${phase.expectedStatus}: ${result.firstError}`);
  }
  return {
    ...result,
    perSecond: round((result.requests / result.elapsedMs) * 1000),
    hostCpuMs: (hostCpu.user + hostCpu.system) / 1000,
    hostCpuToIdleMs: (hostCpuToIdle.user + hostCpuToIdle.system) / 1000,
    eventLoopUtilization,
    instancesStarted: after - before,
    ...(profile ? { profile } : {}),
  };
}

/** The forked load generator: one phase at a time. */
class LoadGenerator {
  private constructor(private readonly child: ChildProcess) {}

  static async start(): Promise<LoadGenerator> {
    const child = fork(loadScript, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the load generator exited with ${code}`)));
    });
    return new LoadGenerator(child);
  }

  run(phase: LoadPhase): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`the load generator exited with ${code}`));
      this.child.once('exit', onExit);
      this.child.once('message', (message: { result?: LoadResult; error?: string }) => {
        this.child.off('exit', onExit);
        if (message.result) resolve(message.result);
        else reject(new Error(`the load generator failed: ${message.error}`));
      });
      this.child.send(phase);
    });
  }

  close(): void {
    this.child.disconnect();
  }
}

// ---- profile ----------------------------------------------------------------------------------------------

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  parent?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

async function startProfiling(): Promise<{ stop(): Promise<CpuProfile> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      session.disconnect();
      return profile;
    },
  };
}

/**
 * Where the host's CPU went, by what was on the stack: the first rule (in this order) that matches any frame of
 * a sample's stack names its category. Callbacks that run from the event loop (a socket read, a resolved
 * promise) carry no caller, so e.g. reading a loopback response shows up as the HTTP client, not as intake.
 */
const categories: [string, (frame: CpuProfileNode['callFrame']) => boolean][] = [
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['validation: zod', (f) => f.url.includes('/node_modules/zod/')],
  ['validation: normalise + untrusted JSON (src/incident)', (f) => f.url.includes('/src/incident/')],
  ['durable store: SQLite statements and commits', (f) => f.url.includes('/src/host/durable/store')],
  ['orchestrator replay (durable-functions handler)', (f) => /durable-functions\/lib\/src\/(orchestrations|task|history|actions)\//.test(f.url)],
  ['durable engine (episodes, HTTP API)', (f) => f.url.includes('/src/host/durable/')],
  ['durable client: durable-functions + axios (+ follow-redirects when used)', (f) => /\/node_modules\/(axios|follow-redirects|durable-functions)\//.test(f.url)],
  ['node http client (loopback durable calls)', (f) => /node:_http_(client|agent)/.test(f.url)],
  ['intake handler (src/routing)', (f) => f.url.includes('/src/routing/') || f.url.includes('/bench/intakeApp')],
  ['host HTTP triggers + @azure/functions invocation', (f) => f.url.includes('/src/host/') || f.url.includes('/node_modules/@azure/functions')],
  ['node http server + sockets', (f) => /node:(_http_server|_http_common|_http_outgoing|_http_incoming|net|stream|internal\/streams)/.test(f.url)],
];

function cpuBreakdown(profile: CpuProfile): { category: string; ms: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const node of profile.nodes) for (const child of node.children ?? []) byId.get(child)!.parent = node.id;
  const cache = new Map<number, string>();
  const categoryOf = (id: number): string => {
    const cached = cache.get(id);
    if (cached) return cached;
    const stack: CpuProfileNode['callFrame'][] = [];
    for (let n = byId.get(id); n; n = n.parent === undefined ? undefined : byId.get(n.parent)) stack.push(n.callFrame);
    const leaf = stack[0]!;
    let category: string;
    if (leaf.functionName === '(idle)') category = '(idle)';
    else if (leaf.functionName === '(program)') category = 'native, unattributed ((program))';
    else category = categories.find(([, test]) => stack.some(test))?.[0] ?? `other: ${leaf.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, '') || leaf.functionName}`;
    cache.set(id, category);
    return category;
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const category = categoryOf(id);
    totals.set(category, (totals.get(category) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  totals.delete('(idle)');
  const sorted = [...totals].map(([category, ms]) => ({ category, ms })).sort((a, b) => b.ms - a.ms);
  // Small "other" entries are summed into one line.
  const main = sorted.filter((b) => !b.category.startsWith('other: ') || b.ms / sorted.reduce((s, x) => s + x.ms, 0) >= 0.01);
  const rest = sorted.filter((b) => !main.includes(b));
  if (rest.length > 0) main.push({ category: `other (${rest.length} sources)`, ms: rest.reduce((s, b) => s + b.ms, 0) });
  return main;
}

function perRequest(ms: number, m: { requests: number }): number {
  return round(ms / m.requests, 2);
}
