// Intake benchmark: 5,000 incident deliveries (each a distinct incident, so each starts one durable run
// and writes one ledger record) against a trivial HTTP function on the same host, same run, same
// concurrency and body. The host uses a file-backed durable store, as a deployment would.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHost } from '../src/host/index.js';
import { HostLogger } from '../src/host/log.js';
import type { BenchReport } from './types.js';

interface Measurement {
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Process CPU (host and load generator, both in this process) per request, background runs included. */
  cpuMsPerRequest: number;
  /** Responses with an unexpected status. */
  errors: number;
}

export interface BenchIntakeOptions {
  deliveries?: number;
  concurrency?: number;
}

const appEntry = fileURLToPath(new URL('./intakeApp.js', import.meta.url));
const fixturePath = fileURLToPath(new URL('../../test/fixtures/incidents/secret-committed-github.json', import.meta.url));

export async function benchIntake(options: BenchIntakeOptions = {}): Promise<BenchReport> {
  const deliveries = options.deliveries ?? 5000;
  const concurrency = options.concurrency ?? 32;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'soar-bench-intake-'));
  await writeFile(path.join(dir, 'host.json'), JSON.stringify({ version: '2.0', extensions: { http: { routePrefix: 'api' } } }));
  const host = await startHost({
    appDir: dir,
    main: appEntry,
    port: 0,
    storePath: path.join(dir, 'durable.sqlite'),
    logger: new HostLogger({ mode: 'silent' }),
  });
  try {
    const template = readFileSync(fixturePath, 'utf8');
    const bodies = Array.from({ length: deliveries }, (_, i) => template.replaceAll('inc-secret-committed-github', `inc-bench-${i}`));
    const headers = { 'content-type': 'application/json', 'x-functions-key': host.functionKey };
    // Warm both paths (module loading, JIT, SQLite pages) before measuring.
    await load(`${host.url}/api/bench/ping`, bodies.slice(0, 200), headers, concurrency, 202);
    await load(`${host.url}/api/incidents`, bodies.slice(0, 200).map((b) => b.replaceAll('inc-bench-', 'inc-warm-')), headers, concurrency, 202);
    const baseline = await load(`${host.url}/api/bench/ping`, bodies, headers, concurrency, 202);
    const result = await load(`${host.url}/api/incidents`, bodies, headers, concurrency, 202);
    const row = (subject: string, m: Measurement) => ({
      subject,
      requests: m.requests,
      'accepted/s': m.perSecond,
      'p50 ms': m.p50Ms,
      'p99 ms': m.p99Ms,
      'CPU ms/request': m.cpuMsPerRequest,
      errors: m.errors,
    });
    return {
      name: 'intake',
      title: `Incident intake: ${deliveries} deliveries, ${concurrency} in flight`,
      rows: [row('POST /api/incidents (starts 1 durable run + 1 ledger record)', result), row('baseline: trivial HTTP function, same body', baseline)],
      notes: [
        `Goal: >= 1,000 accepted/s and p99 <= 50 ms on 2 cores; measured ${result.perSecond}/s, p99 ${result.p99Ms} ms (baseline ${baseline.perSecond}/s, p99 ${baseline.p99Ms} ms).`,
        `Distinct incidents of ${Buffer.byteLength(bodies[0]!)} bytes; each delivery: validate + normalise, route, instance lookup, startNew, ledger record; SQLite file store.`,
        'Runs execute in the background on the same host while the deliveries arrive.',
      ],
    };
  } finally {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function load(url: string, bodies: string[], headers: Record<string, string>, concurrency: number, expected: number): Promise<Measurement> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const t0 = performance.now();
      const res = await fetch(url, { method: 'POST', headers, body });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (res.status !== expected) errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!);
  return {
    requests: bodies.length,
    perSecond: round((bodies.length / elapsedMs) * 1000),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    cpuMsPerRequest: round((cpu.user + cpu.system) / 1000 / bodies.length),
    errors,
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

