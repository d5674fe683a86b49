// The light chaos run inside npm test: every scenario of npm run test:chaos at a small size (32-incident
// burst, 16-incident crash). Each scenario passes when the sandbox shows every expected effect and nothing else.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ChaosEnv } from './env.js';
import { chaosPlan } from './plan.js';
import { formatTable, writeResult, type ScenarioResult } from './report.js';

const plan = chaosPlan('light');
const results: ScenarioResult[] = [];
let env: ChaosEnv;

before(async () => {
  env = await plan.startEnv();
});
after(async () => {
  await env.close();
  console.log(formatTable(results));
});

for (const scenario of plan.scenarios) {
  test(`chaos ${scenario.name}`, async () => {
    const result = await scenario.run(env);
    results.push(result);
    await writeResult(result, plan.size);
    assert.deepEqual(result.problems, [], formatTable([result]));
    assert.equal(result.lost, 0);
    assert.equal(result.duplicates, 0);
  });
}
