import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { formatFinding, lintPlaybookSource } from '../../src/sdk/determinism.js';
import { lintPlaybookFiles } from '../../src/sdk/lintPlaybooks.js';

test('reports every forbidden use with file:line:col', () => {
  const source = [
    "import { readFile } from 'node:fs/promises';", // 1
    "import os from 'os';", // 2
    'export function* run() {', // 3
    '  const a = Date.now();', // 4
    '  const b = new Date();', // 5
    '  const c = Math.random();', // 6
    "  const d = fetch('https://example.com');", // 7
    '  setTimeout(() => undefined, 1);', // 8
    '  const e = process.env.X;', // 9
    '  const f = crypto.randomUUID();', // 10
    "  const g = await import('node:child_process');", // 11
    '  setInterval(() => undefined, 1);', // 12
    '}',
    'export async function later() { await Promise.resolve(); }', // 14
  ].join('\n');
  const findings = lintPlaybookSource('playbooks/bad.ts', source);
  assert.deepEqual(
    findings.map((f) => [f.line, f.column, f.rule]),
    [
      [1, 1, 'node-builtin'],
      [2, 1, 'node-builtin'],
      [4, 13, 'clock'],
      [5, 13, 'clock'],
      [6, 13, 'random'],
      [7, 13, 'fetch'],
      [8, 3, 'timer'],
      [9, 13, 'process'],
      [10, 13, 'crypto'],
      [11, 13, 'async'],
      [11, 19, 'node-builtin'],
      [12, 3, 'timer'],
      [14, 1, 'async'],
      [14, 33, 'async'],
    ],
  );
  assert.equal(formatFinding(findings[0]!), "playbooks/bad.ts:1:1 import of Node built-in 'node:fs/promises' in a playbook [node-builtin]");
});

test('allows deterministic code: dates with arguments, property names, local names, types', () => {
  const source = [
    "import { definePlaybook } from '../src/sdk/index.js';",
    'const when = new Date(0);',
    'const o = { fetch: 1, process: 2 };',
    'const p = o.process + o.fetch;',
    'type T = { crypto: string };',
    'interface U { setTimeout(): void }',
    'export { definePlaybook, when, p };',
    'export type { T, U };',
  ].join('\n');
  assert.deepEqual(lintPlaybookSource('playbooks/good.ts', source), []);
});

test('every shipped playbook passes the lint', async () => {
  const root = path.resolve(import.meta.dirname, '../../..');
  const files = (await readdir(path.join(root, 'playbooks')))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(root, 'playbooks', f));
  const findings = await lintPlaybookFiles(files);
  assert.deepEqual(findings.map(formatFinding), []);
});
