// Registers the intake benchmark with bench/run.ts (`npm run bench -- intake` runs it alone).
// BENCH_ROUNDS=<n> measures n interleaved rounds (default 3; each row is the median round);
// BENCH_INTAKE_PROFILE=<file> also profiles the host during the last intake round (see bench/intake.ts).
import { benchIntake } from './intake.js';
import { benchRounds } from './processes.js';
import type { Benchmark } from './types.js';

const intake: Benchmark = { name: 'intake', run: () => benchIntake({ rounds: benchRounds(3) }) };
export default intake;
