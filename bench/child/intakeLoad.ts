// The intake benchmark's load generator, in a process of its own (bench/intake.ts forks it), so that the
// host process is measured alone, as it runs in production. It receives one phase at a time over IPC:
// POST `count` distinct incident bodies to `url`, `concurrency` in flight, and answers with the latencies'
// percentiles, how many answers had an unexpected status, and this process's own CPU time.
import { readFileSync } from 'node:fs';

export interface LoadPhase {
  url: string;
  headers: Record<string, string>;
  /** The fixture body; every delivery replaces `marker` with `${prefix}${i}`, so each incident is distinct. */
  templatePath: string;
  marker: string;
  prefix: string;
  count: number;
  concurrency: number;
  expectedStatus: number;
}

export interface LoadResult {
  requests: number;
  bodyBytes: number;
  elapsedMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  /** The first unexpected answer, to tell a broken run from a slow one. */
  firstError?: string;
  /** This (load generator) process's CPU over the phase. */
  cpuMs: number;
}

async function runPhase(phase: LoadPhase): Promise<LoadResult> {
  const template = readFileSync(phase.templatePath, 'utf8');
  const bodies = Array.from({ length: phase.count }, (_, i) => template.replaceAll(phase.marker, `${phase.prefix}${i}`));
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const t0 = performance.now();
      const res = await fetch(phase.url, { method: 'POST', headers: phase.headers, body });
      const text = await res.text();
      latencies.push(performance.now() - t0);
      if (res.status !== phase.expectedStatus) {
        errors++;
        firstError ??= `${res.status} ${text.slice(0, 300)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: phase.concurrency }, worker));
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return {
    requests: bodies.length,
    bodyBytes: Buffer.byteLength(bodies[0] ?? ''),
    elapsedMs,
    p50Ms: pct(0.5),
    p90Ms: pct(0.9),
    p99Ms: pct(0.99),
    maxMs: latencies[latencies.length - 1] ?? 0,
    errors,
    ...(firstError ? { firstError } : {}),
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

process.on('message', (phase: LoadPhase) => {
  runPhase(phase).then(
    (result) => process.send!({ result }),
    (err: unknown) => process.send!({ error: (err as Error).stack ?? String(err) }),
  );
});
process.send!({ ready: true });
