// README.md's Layout block names every folder of the repository and of src/, and only folders that exist.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from './appSettings.js';

/** Build output, dependencies and local state: not part of the repository (see .gitignore). */
const UNTRACKED = new Set(['node_modules', 'dist', '.git', '.soar']);

function folders(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory() && !UNTRACKED.has(e.name) && !e.name.startsWith('.'))
    .map((e) => `${dir ? `${dir}/` : ''}${e.name}/`);
}

test("README.md's Layout lists every top-level and src/ folder, and every path it names exists", () => {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const block = /^## Layout\n\n```\n([\s\S]*?)```/m.exec(readme)?.[1];
  assert.ok(block, 'README.md has a Layout code block');
  const named = block.split('\n').flatMap((line) => line.split(/\s{2,}/)).map((s) => s.trim()).filter((s) => /^[\w./-]+$/.test(s) && (s.includes('/') || s.includes('.')));
  const missing = named.filter((p) => !existsSync(path.join(repoRoot, p)));
  assert.deepEqual(missing, [], 'the Layout names paths that do not exist');
  const listed = new Set(named);
  const unlisted = [...folders('').filter((f) => f !== 'src/'), ...folders('src')].filter((f) => !listed.has(f));
  assert.deepEqual(unlisted, [], 'folders the Layout does not describe');
});
