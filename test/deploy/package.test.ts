// `npm run package`: the deployable zip holds only what the Function App needs, and it works: extracted to
// a temp folder, its entry loads on the local host and a seed playbook runs end to end against the sandbox.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { VirtualClock } from '../../src/host/clock.js';
import { startHost } from '../../src/host/index.js';
import { HostLogger } from '../../src/host/log.js';
import { buildPackage, PackageError, type PackageResult } from '../../src/packaging/package.js';
import { extractZip, type ReadEntry } from '../../src/packaging/zip.js';
import { startSandbox } from '../../src/sandbox/index.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

let dir: string;
let built: PackageResult;
let entries: ReadEntry[];
let names: string[];
const progress: string[] = [];
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'soar-package-'));
  built = await buildPackage({ appDir: repoRoot, out: path.join(dir, 'app.zip'), log: (line) => progress.push(line) });
  entries = await extractZip(await readFile(built.file), path.join(dir, 'app'));
  names = entries.map((e) => e.name);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('the zip holds host.json, package.json, the built app and production dependencies only', () => {
  for (const name of ['host.json', 'package.json', 'dist/functions/incidents.js', 'dist/playbooks/catalogue.js', 'dist/src/actions/index.js']) {
    assert.ok(names.includes(name), `${name} is packaged`);
  }
  const tops = new Set(names.map((n) => n.split('/')[0]));
  assert.deepEqual([...tops].sort(), ['dist', 'host.json', 'node_modules', 'package.json']);
  const appFolders = new Set(names.filter((n) => n.startsWith('dist/')).map((n) => n.split('/').slice(0, n.startsWith('dist/src/') ? 3 : 2).join('/')));
  assert.deepEqual(
    [...appFolders].sort(),
    ['dist/functions', 'dist/playbooks', 'dist/src/actions', 'dist/src/clients', 'dist/src/incident', 'dist/src/operations', 'dist/src/routing', 'dist/src/sdk'],
  );
  for (const name of names) assert.doesNotMatch(name, /^dist\/(test|bench|package)\/|^dist\/src\/(host|sandbox|cli)\//, name);

  const packages = new Set(built.dependencies.map((d) => d.replace(/^node_modules\//, '')));
  for (const prod of ['@azure/functions', 'durable-functions', '@azure/identity', '@octokit/rest', 'zod']) assert.ok(packages.has(prod), `${prod} is packaged`);
  for (const dev of ['node', 'typescript', '@types/node', '@peculiar/x509', '@microsoft/durabletask-js']) {
    assert.ok(!packages.has(dev), `dev dependency ${dev} is not packaged`);
    assert.ok(!names.some((n) => n.startsWith(`node_modules/${dev}/`)), `no file of ${dev}`);
  }
  // Every package of the closure, nested copies too (a package that needs another version of a dependency).
  const packaged = new Set(names);
  for (const dep of built.dependencies) assert.ok(packaged.has(`${dep}/package.json`), `${dep} is packaged`);
  assert.ok(built.dependencies.some((d) => d.split('/node_modules/').length > 1), 'nested copies are among them');
  assert.ok(!names.some((n) => /\.d\.[cm]?ts$|\.md$/i.test(n) && n.startsWith('node_modules/')), 'no type declarations or docs of dependencies');
  assert.ok(!names.some((n) => n.startsWith('node_modules/.bin/')), 'no .bin links');
  assert.equal(entries.length, built.appFiles + built.dependencyFiles);
});

test('packaging prints its progress and the zip size', () => {
  assert.match(progress[0]!, /^Packaging /);
  assert.ok(progress.some((l) => /dependencies: \d+ packages, \d+ files/.test(l)), progress.join('\n'));
  assert.match(progress.at(-1)!, /app\.zip: \d+\.\d (MiB|KiB) \(\d+ files\)$/);
});

test("the extracted zip's entry loads on the local host and a seed playbook runs end to end", async () => {
  const sandbox = await startSandbox({ caFile: path.join(dir, 'sandbox-ca.pem') });
  const clock = new VirtualClock(Date.now());
  const host = await startHost({
    appDir: path.join(dir, 'app'),
    port: 0,
    clock,
    readLocalSettings: false,
    settings: {
      ...sandbox.appSettings,
      SOAR_RETRY_DELAY_MS: '10',
      SOAR_GITHUB_WRITE_INTERVAL_MS: '0',
      APPROVAL_SIGNING_KEY: 'package-test-approval-signing-key-0123456789',
      PUBLIC_BASE_URL: 'https://soar.contoso.example',
    },
    logger: new HostLogger({ mode: 'silent' }),
  });
  try {
    // The functions were registered from the extracted copy, not from the repository.
    assert.ok(host.registrations.functions.size > 0);
    const fixture = await readFile(path.join(repoRoot, 'test/fixtures/incidents/repo-deleted-azdo.json'), 'utf8');
    assert.ok(sandbox.world().azdo.organizations[0]!.recycleBin.some((r) => r.name === 'legacy-billing'), 'the seed world has the deleted repository');

    const res = await fetch(`${host.url}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-functions-key': host.functionKey },
      body: fixture,
    });
    const body = (await res.json()) as { runs: { playbook: string; instanceId: string }[] };
    assert.equal(res.status, 202, JSON.stringify(body));
    const run = body.runs.find((r) => r.playbook === 'repository-deleted');
    assert.ok(run, JSON.stringify(body));

    let status: { runtimeStatus: string; output: unknown } | undefined;
    for (let step = 0; step < 200; step++) {
      await host.durable.waitForIdle();
      status = (await host.durable.getStatus(run.instanceId, { showInput: false })) as unknown as { runtimeStatus: string; output: unknown };
      if (!['Running', 'Pending'].includes(status.runtimeStatus)) break;
      clock.advance(60_000);
    }
    assert.equal(status?.runtimeStatus, 'Completed', JSON.stringify(status?.output));
    const org = sandbox.world().azdo.organizations[0]!;
    assert.ok(org.repositories.some((r) => r.name === 'legacy-billing'), 'the repository was restored');
    assert.ok(!org.recycleBin.some((r) => r.name === 'legacy-billing'));
    assert.ok(sandbox.world().email.outbox.length > 0, 'owners were e-mailed');
    const incident = sandbox.world().sentinel.incidents.find((i) => i.name === 'inc-repo-deleted-azdo')!;
    assert.ok(incident.comments.length > 0, 'the run commented on the incident');
  } finally {
    await host.close();
    await sandbox.close();
  }
});

test('an app that imports the local host or a dev dependency is refused, listing each import', async () => {
  const app = path.join(dir, 'bad-app');
  await mkdir(path.join(app, 'dist/functions'), { recursive: true });
  await mkdir(path.join(app, 'dist/src/host'), { recursive: true });
  await writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'bad-app', version: '1.0.0', type: 'module', main: 'dist/functions/*.js' }));
  await writeFile(path.join(app, 'host.json'), '{"version":"2.0"}');
  await writeFile(path.join(app, 'dist/src/host/index.js'), 'export const x = 1;\n');
  await writeFile(
    path.join(app, 'dist/functions/app.js'),
    "import { x } from '../src/host/index.js';\nimport ts from 'typescript';\nimport { readFile } from 'node:fs';\nconst s = ['from', 'to'];\nexport { x, ts, readFile, s };\n",
  );
  await assert.rejects(
    buildPackage({ appDir: app, out: path.join(dir, 'bad.zip') }),
    (err: unknown) =>
      err instanceof PackageError &&
      err.message.includes('dist/functions/app.js imports ../src/host/index.js, outside dist/functions') &&
      err.message.includes('dist/functions/app.js imports typescript, which is not a production dependency') &&
      !err.message.includes('node:fs') &&
      !err.message.includes("'to'"),
  );
  await assert.rejects(readFile(path.join(dir, 'bad.zip')), { code: 'ENOENT' });
});
