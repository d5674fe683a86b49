// Registers the intake benchmark with bench/run.ts (`npm run bench -- intake` runs it alone).
import { benchIntake } from './intake.js';
import type { Benchmark } from './types.js';

const intake: Benchmark = { name: 'intake', run: () => benchIntake() };
export default intake;
