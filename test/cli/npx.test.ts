// `npx soar …` is how the README and the CLI's own hints run the CLI: npm runs this package's bin, which must be
// an executable file once `npm run build` (and so `npm start` or `npm test`) has made it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

test('npx soar runs the built CLI, whose bin file the build makes executable', async () => {
  const mode = statSync(path.join(repoRoot, 'dist/src/cli/soar.js')).mode;
  assert.equal(mode & 0o111, 0o111, `dist/src/cli/soar.js has mode ${(mode & 0o777).toString(8)}`);
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile('npm', ['exec', '--no', '--', 'soar', '--help'], { cwd: repoRoot, timeout: 60_000 }, (error, out, err) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: out, stderr: err }),
    );
  });
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^Usage: soar <command> \[options\]/);
});
