// A new user's path, in a copy of the project: soar new → edit nothing → its test passes → soar validate →
// soar run --dry-run on a fixture incident shows the plan. The copy reuses the project's build and
// transpiles only the files soar new wrote (a full type-check build is what `npm run build` does).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import ts from 'typescript';
import { startEnv, type Env } from '../operations/harness.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const project = mkdtempSync(path.join(tmpdir(), 'soar-new-'));
let env: Env | undefined;
after(async () => {
  await env?.close();
  rmSync(project, { recursive: true, force: true });
});

function copy(relative: string): void {
  mkdirSync(path.dirname(path.join(project, relative)), { recursive: true });
  cpSync(path.join(repo, relative), path.join(project, relative), { recursive: true });
}

function run(args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Without NODE_TEST_CONTEXT, a nested `node --test` reports as it would in a terminal.
    const { NODE_TEST_CONTEXT: _context, ...inherited } = process.env;
    execFile(process.execPath, args, { cwd: project, env: { ...inherited, ...extraEnv }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

function transpile(relative: string): void {
  const source = readFileSync(path.join(project, relative), 'utf8');
  const out = ts.transpileModule(source, { fileName: relative, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023 } });
  writeFileSync(path.join(project, 'dist', relative.replace(/\.ts$/, '.js')), out.outputText);
}

test('soar new scaffolds a playbook whose own test passes unedited, which validates and dry-runs with a plan', async () => {
  for (const p of ['package.json', 'host.json', 'tsconfig.json', 'src', 'functions', 'playbooks', 'test/fixtures', 'test/playbooks/harness.ts',
    'dist/src', 'dist/functions', 'dist/playbooks', 'dist/test/playbooks/harness.js', 'dist/test/fixtures']) copy(p);
  symlinkSync(path.join(repo, 'node_modules'), path.join(project, 'node_modules'), 'dir');
  const soar = path.join(project, 'dist/src/cli/soar.js');

  const created = await run([soar, 'new', 'triage-example']);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /^Created playbooks\/triage-example\.ts and test\/playbooks\/triage-example\.test\.ts; listed triage-example in playbooks\/catalogue\.ts\.$/m);
  // The hints name commands that run on the project's Node (npm scripts, npx), and the fixture they name exists.
  assert.match(created.stdout, /^Next: npm run test:file -- dist\/test\/playbooks\/triage-example\.test\.js$/m);
  const hint = /^Then, with the host running \(npm start\): npx soar (run triage-example --incident (\S+) --dry-run)$/m.exec(created.stdout);
  assert.ok(hint, created.stdout);
  const scaffold = readFileSync(path.join(project, 'playbooks/triage-example.ts'), 'utf8');
  assert.ok(scaffold.includes(`\`npx soar ${hint[1]}\` shows the plan`), 'the scaffold comment gives the same command');
  const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.equal(pkg.scripts['test:file'], 'npm run build && node --test', 'npm run test:file -- <file> builds, then runs that file');
  const catalogue = readFileSync(path.join(project, 'playbooks/catalogue.ts'), 'utf8');
  assert.match(catalogue, /^import \{ triageExample \} from '\.\/triage-example\.js';$/m);
  assert.match(catalogue, /, triageExample\];/);
  assert.equal((await run([soar, 'new', 'triage-example'])).code, 1, 'a second scaffold of the same name is refused');
  assert.equal((await run([soar, 'new', 'Not_Kebab'])).code, 2);

  for (const file of ['playbooks/triage-example.ts', 'playbooks/catalogue.ts', 'test/playbooks/triage-example.test.ts']) transpile(file);
  const own = await run(['--test', 'dist/test/playbooks/triage-example.test.js']);
  assert.equal(own.code, 0, own.stdout + own.stderr);
  assert.match(own.stdout, /ℹ pass 2/);

  const validate = await run([soar, 'validate']);
  assert.equal(validate.code, 0, validate.stdout + validate.stderr);
  assert.match(validate.stdout, /all valid\.$/m);

  // As npm start does, the host keeps its keys in the project's .soar/, where soar finds the function key.
  env = await startEnv({ appDir: project, keysFile: path.join(project, '.soar', 'host-keys.json') });
  const dry = await run([soar, ...hint[1].split(' '), '--poll-ms', '50'], { SOAR_URL: env.host.url });
  assert.equal(dry.code, 0, dry.stdout + dry.stderr);
  assert.match(dry.stdout, /^Plan \(nothing was changed; these actions would run\):$/m);
  assert.match(dry.stdout, /^ {2}1\. Update incident: \{"labelsToAdd":\["soar:triage-example"\]\}$/m);
  assert.match(dry.stdout, /^ {2}2\. Add incident comment: .*looked at this incident/m);
});

test('the new, disabled playbook shows in soar playbooks and soar doctor, so its permissions can be granted before enabling it', async () => {
  assert.ok(env, 'the previous test started the host on the project copy');
  const soar = path.join(project, 'dist/src/cli/soar.js');
  const listed = await run([soar, 'playbooks'], { SOAR_URL: env.host.url });
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(
    listed.stdout,
    /^triage-example@0\.1\.0 \(disabled\) {2}Triage example\n {4}trigger: titlePattern "Triage example"; eventTypes Create\n {4}permissions: Sentinel 'Microsoft Sentinel Responder' \(deployment\)$/m,
  );
  assert.match(listed.stdout, /^secret-committed@\S+ {2}.*\n {4}trigger: analyticRuleIds [^\n]+\n {4}permissions: .*GitHub [^;]*'administration:write'[^;]* \(manual\)/m);

  // The user's local.settings.json is a copy of the sample, whose PUBLIC_BASE_URL is empty (the host started
  // before it was there, on the test's settings). The host in this process set PUBLIC_BASE_URL in process.env
  // to its own URL; the user's shell has no such variable, so soar doctor does not inherit it.
  cpSync(path.join(repo, 'local.settings.sample.json'), path.join(project, 'local.settings.json'));
  const doctor = await run([soar, 'doctor'], { ...env.settings, SOAR_URL: env.host.url, PUBLIC_BASE_URL: undefined });
  assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
  assert.match(doctor.stdout, /^ {2}✓ Approval links: links point at the local host's own URL/m);
  assert.match(doctor.stdout, /^Permissions the \d+ playbook\(s\) need, \d+ enabled and 1 disabled \(.*triage-example \(disabled\).*\):$/m);
  assert.match(doctor.stdout, /^ {2}Sentinel azureRole 'Microsoft Sentinel Responder' .*; for .*triage-example \(disabled\)/m);
  assert.match(doctor.stdout, /^ {2}✓ app http:\/\/127\.0\.0\.1:\d+: GET \/api\/playbooks answered$/m);
});
