// soar new <name>: scaffolds playbooks/<name>.ts and test/playbooks/<name>.test.ts, and lists the playbook
// in playbooks/catalogue.ts. The scaffold passes its own test unedited; it starts disabled so a merge
// never routes live incidents to an unfinished playbook.
import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PLAYBOOK_NAME_MAX } from '../../routing/trigger.js';
import { positionals, UsageError, type ParsedArgs } from '../args.js';
import type { Io } from '../output.js';
import { appDirOf } from './local.js';

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export async function newCommand(args: ParsedArgs, io: Io): Promise<number> {
  const [name] = positionals(args, ['name']) as [string];
  if (!NAME.test(name)) throw new UsageError(`'${name}' is not a kebab-case playbook name (e.g. suspicious-login).`);
  if (name.length > PLAYBOOK_NAME_MAX) throw new UsageError(`'${name}' is too long: a playbook name is part of its runs' instance ids, at most ${PLAYBOOK_NAME_MAX} characters.`);
  const appDir = appDirOf(args, io);
  const playbookFile = path.join(appDir, 'playbooks', `${name}.ts`);
  const testFile = path.join(appDir, 'test', 'playbooks', `${name}.test.ts`);
  const catalogueFile = path.join(appDir, 'playbooks', 'catalogue.ts');
  for (const file of [playbookFile, testFile]) {
    if (await exists(file)) throw new Error(`${path.relative(appDir, file)} already exists.`);
  }
  const catalogue = addToCatalogue(await readFile(catalogueFile, 'utf8'), name);
  await writeFile(playbookFile, playbookSource(name));
  await writeFile(testFile, testSource(name));
  await writeFile(catalogueFile, catalogue);
  const created = [playbookFile, testFile].map((f) => path.relative(appDir, f));
  if (args.switches.has('json')) {
    io.out(JSON.stringify({ name, created, updated: [path.relative(appDir, catalogueFile)] }));
    return 0;
  }
  io.out(`Created ${created.join(' and ')}; listed ${name} in playbooks/catalogue.ts.`);
  io.out(`Next: npm run test:file -- dist/test/playbooks/${name}.test.js`);
  io.out(`Then, with the host running (npm start): npx soar run ${name} --incident test/fixtures/incidents/new-country-github.json --dry-run`);
  return 0;
}

export function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function titleCase(name: string): string {
  const words = name.split('-').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The catalogue with the new playbook imported and appended to the `catalogue` array. */
export function addToCatalogue(source: string, name: string): string {
  const variable = camelCase(name);
  const array = /(export const catalogue\b[^=]*=\s*\[)([\s\S]*?)(\];)/.exec(source);
  if (!array) throw new Error('playbooks/catalogue.ts has no `export const catalogue = [...]` array to add the playbook to.');
  const items = array[2]!.trim().replace(/,$/, '');
  const withEntry = `${array[1]}${items ? `${items}, ` : ''}${variable}${array[3]}`;
  const importLine = `import { ${variable} } from './${name}.js';\n`;
  const imports = [...source.matchAll(/^import .*;\n/gm)];
  const last = imports.at(-1);
  const at = last ? (last.index ?? 0) + last[0].length : 0;
  const updated = source.slice(0, at) + importLine + source.slice(at);
  return updated.replace(array[0], withEntry);
}

export function playbookSource(name: string): string {
  return `// Runbook: ${titleCase(name)}.
// 1. Label the incident, so analysts see that this playbook handled it.
// 2. Comment on the incident.
// Replace these steps with the runbook's. \`npx soar validate\` checks the file; with \`npm start\` running,
// \`npx soar run ${name} --incident test/fixtures/incidents/new-country-github.json --dry-run\` shows the plan.
import { definePlaybook, html, sentinel, z } from '../src/sdk/index.js';

export const ${camelCase(name)} = definePlaybook({
  name: '${name}',
  title: '${titleCase(name)}',
  description: 'Labels and comments on the incident (scaffold: describe what this playbook does).',
  version: '0.1.0',
  // Disabled until it is ready: intake routes nothing to it, manual runs still work.
  when: { titlePattern: '${titleCase(name)}', enabled: false },
  settings: z.object({
    /** Label added to every incident this playbook handled. */
    label: z.string().min(1).default('soar:${name}'),
  }),
  // Every action the playbook calls, also through helpers: \`soar doctor\` lists the permissions they need.
  actions: [sentinel.updateIncident, sentinel.addComment],
  *run(ctx) {
    ctx.step('Label the incident');
    yield* ctx.addLabels(ctx.settings.label);
    ctx.step('Comment');
    yield* ctx.comment(html\`<p>\${ctx.playbook.title} looked at this incident: \${ctx.incident.title}.</p>\`);
  },
});
`;
}

export function testSource(name: string): string {
  return `// ${titleCase(name)}: the real app on the local host with the sandbox; runs started as an analyst would.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PlaybookHarness } from './harness.js';

const INCIDENT = 'inc-new-country-github';
let h: PlaybookHarness;
before(async () => {
  h = await PlaybookHarness.start();
});
after(async () => {
  await h.close();
});

async function manualRun(dryRun: boolean): Promise<string> {
  const response = await fetch(\`\${h.host.url}/api/playbooks/${name}/runs\`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-functions-key': h.host.functionKey },
    body: JSON.stringify({ incidentNumber: h.incident(INCIDENT).properties.incidentNumber, dryRun, force: true }),
  });
  const body = (await response.json()) as { instanceId: string };
  assert.equal(response.status, 202, JSON.stringify(body));
  return body.instanceId;
}

const labels = (): string[] => (h.incident(INCIDENT).properties.labels ?? []).map((l: { labelName: string }) => l.labelName);

test('${name}: a dry run plans the label and changes nothing', async () => {
  const run = await h.settle(await manualRun(true));
  assert.equal(run.runtimeStatus, 'Completed');
  assert.ok(!labels().includes('soar:${name}'));
});

test('${name}: a run labels the incident and comments on it', async () => {
  const run = await h.settle(await manualRun(false));
  assert.equal(run.runtimeStatus, 'Completed');
  assert.ok(labels().includes('soar:${name}'), labels().join(', '));
  assert.ok(h.comments(INCIDENT).some((c) => c.includes('looked at this incident')));
});
`;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
