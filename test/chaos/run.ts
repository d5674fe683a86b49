// npm run test:chaos: the full chaos run (1,000-incident burst, SIGKILL mid-burst, 20% faults, a permanent
// 403, hostile input, planted secrets). Prints the table, writes bench/results/chaos-<scenario>.json, and
// exits 1 when any scenario found a problem. `--light` runs the npm test size.
import { chaosPlan } from './plan.js';
import { formatTable, writeResult, type ScenarioResult } from './report.js';

const plan = chaosPlan(process.argv.includes('--light') ? 'light' : 'full');
const results: ScenarioResult[] = [];
const env = await plan.startEnv();
try {
  for (const scenario of plan.scenarios) {
    process.stderr.write(`chaos: ${scenario.name}…\n`);
    const result = await scenario.run(env);
    results.push(result);
    await writeResult(result, plan.size);
    process.stderr.write(`chaos: ${scenario.name} ${result.problems.length === 0 ? 'passed' : `found ${result.problems.length} problems`} in ${(result.timeMs / 1000).toFixed(1)} s\n`);
  }
} finally {
  await env.close();
}
console.log(formatTable(results));
const failed = results.filter((r) => r.problems.length > 0 || r.lost > 0 || r.duplicates > 0);
if (failed.length > 0) {
  console.log(`\nFAILED: ${failed.map((r) => r.scenario).join(', ')}`);
  process.exitCode = 1;
}
