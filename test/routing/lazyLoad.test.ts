// Registering the intake, the ledger and the reconciler must not load zod or the modules that use it
// (incident validation, actions): the app's cold start avoids zod, and these load on the first request.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const url = (file: string): string => new URL(`../../src/routing/${file}`, import.meta.url).href;
/** zod itself, or one of the app's modules that imports it (not durable-functions' own lib/src/actions). */
const usesZod = (u: string): boolean =>
  u.includes('/node_modules/zod/') || (!u.includes('/node_modules/') && /\/src\/(incident\/(normalise|schema)\.js$|actions\/)/.test(u));

/** Runs `body` in a fresh Node process that records every module it loads; returns the URLs loaded. */
function modulesLoadedBy(body: string): { atRegistration: string[]; afterFirstUse: string[] } {
  const script = `
    import { registerHooks } from 'node:module';
    const loaded = [];
    registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
    const mark = () => loaded.length;
    ${body}
    process.stdout.write('\\n' + JSON.stringify({ atRegistration: loaded.slice(0, registered), afterFirstUse: loaded.slice(registered) }) + '\\n');
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, RECONCILER_ENABLED: 'true' },
  });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { atRegistration: string[]; afterFirstUse: string[] };
}

test('registering the intake, the ledger and the reconciler loads no zod-using module; the first delivery does', () => {
  const { atRegistration, afterFirstUse } = modulesLoadedBy(`
    const { registerIntake } = await import(${JSON.stringify(url('intake.js'))});
    const { registerReconciler } = await import(${JSON.stringify(url('reconciler.js'))});
    await import(${JSON.stringify(url('index.js'))});
    const catalogue = [{ name: 'p', title: 'P', version: '1.0.0', trigger: {}, orchestrationName: 'pOrchestration' }];
    registerIntake({ catalogue });
    registerReconciler({ catalogue });
    const registered = mark();
    const { loadNormalise, loadSentinelActions } = await import(${JSON.stringify(url('lazy.js'))});
    await loadNormalise();
    await loadSentinelActions();
  `);
  assert.ok(atRegistration.some((u) => u.endsWith('/src/routing/reconciler.js')), 'the hook sees the modules loaded');
  assert.deepEqual(atRegistration.filter(usesZod), []);
  // The same detector sees them once a request needs them.
  assert.ok(afterFirstUse.some((u) => u.endsWith('/src/incident/normalise.js')));
  assert.ok(afterFirstUse.some((u) => u.includes('/node_modules/zod/')));
  assert.ok(afterFirstUse.some((u) => u.endsWith('/src/actions/sentinel/listIncidents.js')));
  // As everywhere in the app: @azure/functions is required, since an ESM import makes Node scan its whole bundle.
  const importers = atRegistration
    .filter((u) => u.includes('/src/routing/'))
    .filter((u) => /\bfrom\s*['"]@azure\/functions['"]/.test(readFileSync(new URL(u), 'utf8')));
  assert.deepEqual(importers, []);
});
