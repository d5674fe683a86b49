// AUTHORING.md shows only code the suite runs: each `<!-- snippet: name -->` block must equal the region
// marked `// @@@SNIPSTART name` … `// @@@SNIPEND` in a source file, or what `soar new <name>` generates.
import assert from 'node:assert/strict';
import { readFile, glob } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { playbookSource, testSource } from '../../src/cli/commands/new.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function markedRegions(): Promise<Map<string, string>> {
  const regions = new Map<string, string>();
  for await (const file of glob(['src/**/*.ts', 'test/**/*.ts', 'playbooks/**/*.ts', 'functions/**/*.ts'], { cwd: repo })) {
    const text = await readFile(path.join(repo, file), 'utf8');
    for (const m of text.matchAll(/^[ \t]*\/\/ @@@SNIPSTART ([\w-]+)\n([\s\S]*?)^[ \t]*\/\/ @@@SNIPEND$/gm)) {
      assert.ok(!regions.has(m[1]!), `snippet ${m[1]} is marked twice`);
      regions.set(m[1]!, m[2]!);
    }
  }
  return regions;
}

test("AUTHORING.md's snippets match the tested files they come from", async () => {
  const doc = await readFile(path.join(repo, 'AUTHORING.md'), 'utf8');
  const regions = await markedRegions();
  const snippets = [...doc.matchAll(/<!-- snippet: ([\w-]+)(?: ([\w-]+))? -->\n```ts\n([\s\S]*?)```/g)];
  assert.ok(snippets.length >= 5, `found ${snippets.length} snippets`);
  for (const [, name, arg, body] of snippets) {
    const expected =
      name === 'scaffold-playbook' ? playbookSource(arg!) : name === 'scaffold-test' ? testSource(arg!) : regions.get(name!);
    assert.ok(expected !== undefined, `AUTHORING.md names snippet '${name}', which no file marks`);
    assert.equal(body, expected, `snippet '${name}' differs from its source`);
  }
  assert.equal((doc.match(/<!-- snippet:/g) ?? []).length, snippets.length, 'every snippet marker is followed by a ts block');
});
