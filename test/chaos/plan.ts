// The chaos plan at two sizes: `light` runs inside npm test (a few seconds), `full` is npm run test:chaos
// (1,000-incident burst and crash). One sandbox world holds the incidents of every scenario.
import { chaosWorld, mixedCases, type ChaosCase } from './cases.js';
import { crash } from './crash.js';
import { ChaosEnv } from './env.js';
import type { ScenarioResult } from './report.js';
import { burst, hostileCases, hostileInput, permanent403, PLANTED_SETTINGS, secrets, transientFaults } from './scenarios.js';

export type Size = 'light' | 'full';

const SIZES = {
  light: { burst: 32, faults: 12, forbidden: 8, secrets: 4, crash: 16, killAfter: 8, crashTimeoutMs: 60_000 },
  full: { burst: 1000, faults: 200, forbidden: 60, secrets: 24, crash: 1000, killAfter: 400, crashTimeoutMs: 420_000 },
} as const;

export interface ChaosPlan {
  size: Size;
  cases: { burst: ChaosCase[]; faults: ChaosCase[]; forbidden: ChaosCase[]; hostile: ChaosCase[]; secrets: ChaosCase[]; crash: ChaosCase[] };
  /** The scenarios in order; each takes the environment and returns its figures. */
  scenarios: { name: string; run: (env: ChaosEnv) => Promise<ScenarioResult> }[];
  startEnv(): Promise<ChaosEnv>;
}

export function chaosPlan(size: Size): ChaosPlan {
  const n = SIZES[size];
  const cases = {
    burst: mixedCases('burst', n.burst, 10_000),
    faults: mixedCases('faults', n.faults, 20_000),
    forbidden: mixedCases('forbidden', n.forbidden, 30_000),
    hostile: hostileCases(40_000),
    secrets: mixedCases('secrets', n.secrets, 50_000),
    crash: mixedCases('crash', n.crash, 60_000),
  };
  const all = Object.values(cases).flat();
  return {
    size,
    cases,
    scenarios: [
      { name: 'burst', run: (env) => burst(env, cases.burst) },
      { name: 'crash', run: (env) => crash(env, cases.crash, { killAfter: n.killAfter, timeoutMs: n.crashTimeoutMs }) },
      { name: 'faults-20pct', run: (env) => transientFaults(env, cases.faults) },
      { name: 'faults-403', run: (env) => permanent403(env, cases.forbidden) },
      { name: 'hostile', run: (env) => hostileInput(env, cases.hostile) },
      { name: 'secrets', run: (env) => secrets(env, cases.secrets) },
    ],
    startEnv: () => ChaosEnv.start(chaosWorld(all), PLANTED_SETTINGS),
  };
}
