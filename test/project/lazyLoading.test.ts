// Cold start (issue #2): loading the app's entries registers every function without importing a playbook,
// an action or zod; each kind of function loads what it needs on its first invocation. The first test looks
// at what loading imports, in a child process; the second runs the first invocations in this process, which
// imports no playbook or action itself (only the incident model, to build a run input).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { normaliseIncident } from '../../src/incident/normalise.js';
import { fixture, PlaybookHarness } from '../playbooks/harness.js';

/** Every entry of the app (package.json main). */
const LAZY_ENTRIES = 'dist/functions/*.js';

/** Modules a cold start must not import, with why they are heavy. */
const HEAVY: [RegExp, string][] = [
  [/\/node_modules\/zod\//, 'zod'],
  [/\/dist\/playbooks\//, 'a playbook or the catalogue'],
  [/\/dist\/src\/actions\/(?!names\.js$|register\.js$)/, 'an action or the action contract'],
  // The intake's untrusted-JSON parser and the model's constants are light; validation is not.
  [/\/dist\/src\/incident\/(?:normalise|schema)\.js$/, 'the incident validation'],
  [/\/dist\/src\/sdk\/(?!register\.js$)/, "the SDK's orchestration code or the approval links"],
  [/\/dist\/src\/operations\/(?!api\.js$)/, 'the run operations handlers'],
];

const childScript = fileURLToPath(new URL('./child/loadedModules.js', import.meta.url));

function modulesLoadedBy(main: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [childScript, main], { timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as string[]),
    );
  });
}

test('loading the entries registers their functions and imports no playbook, action, incident validation or zod', async () => {
  const loaded = await modulesLoadedBy(LAZY_ENTRIES);
  for (const entry of ['incidents', 'orchestrations', 'runs']) {
    assert.ok(loaded.some((url) => url.endsWith(`/dist/functions/${entry}.js`)), `${entry}.js was loaded`);
  }
  for (const [pattern, what] of HEAVY) {
    assert.deepEqual(loaded.filter((url) => pattern.test(url)), [], `no ${what} is imported`);
  }
  // An ESM import of the CommonJS @azure/functions makes Node scan its whole bundle for export names (about
  // 1 MB of heap, enough to add a full GC to the cold start); the app requires it instead.
  const importers = loaded
    .filter((url) => url.includes('/dist/') && !url.includes('/node_modules/'))
    .filter((url) => /\bfrom\s*['"]@azure\/functions['"]|\bimport\s*['"]@azure\/functions['"]/.test(readFileSync(new URL(url), 'utf8')));
  assert.deepEqual(importers, [], 'no module of the app imports @azure/functions as ESM');
});

let h: PlaybookHarness;
before(async () => {
  h = await PlaybookHarness.start({ main: LAZY_ENTRIES });
});
after(() => h.close());

test('the first run of an orchestration, its activities and the HTTP routes load what they need and work', async () => {
  const incident = JSON.parse(JSON.stringify(normaliseIncident(fixture('new-country-azdo'))));
  // Started directly, so the orchestrator (a generator: it loads the catalogue synchronously) is the first to need a playbook.
  await h.start('playbook-new-country-activity', 'lazy-first-run', { incident, dryRun: true });
  const status = await h.settle('lazy-first-run');
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  const plan = h.comments('inc-new-country-azdo');
  assert.equal(plan.length, 1);
  assert.ok(plan[0]!.includes('(entra.revokeSignInSessions)'), 'the plan lists the actions the run would take');

  const get = (path: string): Promise<Response> => fetch(`${h.host.url}${path}`, { headers: { 'x-functions-key': h.host.functionKey } });
  const list = (await (await get('/api/playbooks')).json()) as { playbooks: { name: string }[] };
  assert.deepEqual(list.playbooks.map((p) => p.name).sort(), [
    'branch-policy-disabled', 'extension-installed', 'new-country-activity', 'repository-deleted', 'secret-committed',
  ]);
  const run = (await (await get('/api/runs/lazy-first-run')).json()) as { playbook: string; timeline: { title: string }[] };
  assert.equal(run.playbook, 'new-country-activity');
  assert.ok(run.timeline.some((step) => step.title === 'Read playbook settings'), 'step titles come from the action catalogue');
});
