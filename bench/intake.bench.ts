// Registers the intake benchmark with bench/run.ts (`npm run bench -- intake` runs it alone).
// BENCH_INTAKE_ROUNDS=<n> measures n interleaved rounds (baseline, intake); BENCH_INTAKE_PROFILE=<file> also
// profiles the host during the last intake round (see bench/intake.ts).
import { benchIntake } from './intake.js';
import type { Benchmark } from './types.js';

const rounds = Number(process.env.BENCH_INTAKE_ROUNDS || '1');
const intake: Benchmark = { name: 'intake', run: () => benchIntake({ rounds: Number.isInteger(rounds) && rounds > 0 ? rounds : 1 }) };
export default intake;
