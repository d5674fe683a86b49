// The release workflow: build and `npm test` on pushes to main, v* tags and pull requests; on a tag, `npm run package` and a
// Flex Consumption deployment with Azure/functions-action after an OIDC login; Node 22 throughout.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from './appSettings.js';

const workflow = readFileSync(path.join(repoRoot, '.github/workflows/release.yml'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** The text of one job: from its `  name:` line to the next job or the end. */
function job(name: string): string {
  const start = workflow.search(new RegExp(`^  ${name}:\\s*$`, 'm'));
  assert.ok(start >= 0, `the workflow has a job '${name}'`);
  const rest = workflow.slice(start + 1);
  const end = rest.search(/^  [A-Za-z_-]+:\s*$/m);
  return end < 0 ? rest : rest.slice(0, end);
}

const steps = (text: string): string[] => [...text.matchAll(/^\s+(?:- )?(?:run|uses): (.+)$/gm)].map((m) => m[1]!.trim());

test('pushes, pull requests and v* tags trigger it; every job uses Node 22', () => {
  assert.match(workflow, /^on:\n  push:\n    branches: \[main\]\n    tags: \['v\*'\]\n  pull_request:\n/m);
  const versions = [...workflow.matchAll(/node-version: (\S+)/g)].map((m) => m[1]);
  assert.deepEqual(versions, ['22', '22']);
});

test('the test job installs, builds and runs npm test', () => {
  const run = steps(job('test'));
  assert.ok(run.indexOf('npm ci') >= 0 && run.indexOf('npm ci') < run.indexOf('npm test'), run.join(' | '));
  assert.ok(run.includes('node --test dist/test/deploy/package.test.js'), 'the packaged app is also run on Node 22');
});

test('a tag packages the app and deploys it to Flex Consumption with an OIDC login and no stored secret', () => {
  const release = job('release');
  assert.match(release, /^    if: startsWith\(github\.ref, 'refs\/tags\/v'\)$/m);
  assert.match(release, /^    needs: test$/m);
  assert.match(release, /^      id-token: write/m);
  const run = steps(release);
  const order = ['npm ci', 'npm run package', 'azure/login@v2', 'Azure/functions-action@v1'].map((s) => run.indexOf(s));
  assert.ok(order.every((i, n) => i >= 0 && (n === 0 || i > order[n - 1]!)), run.join(' | '));
  assert.match(release, /^\s+package: dist\/package\/app\.zip$/m);
  assert.match(release, /^\s+sku: flexconsumption$/m);
  assert.doesNotMatch(workflow, /secrets\./, 'OIDC: no stored Azure credential');
});

test('package.json has the package script the workflow runs', () => {
  assert.match(pkg.scripts.package ?? '', /node dist\/src\/packaging\/main\.js$/, 'scripts.package runs dist/src/packaging/main.js');
  assert.match(pkg.scripts.package ?? '', /npm run build/, 'after a build');
});
