import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const file = path.join(repoRoot, 'test/sdk/typeChecks.ts');

test('every @ts-expect-error line of typeChecks.ts is a real type error, and nothing else is', () => {
  // The normal build compiles typeChecks.ts with its directives (and fails on an unused one). Here the
  // directives are blanked out, so each marked line must now produce a diagnostic.
  const original = readFileSync(file, 'utf8');
  const lines = original.split('\n');
  const expected = lines.flatMap((line, i) => (line.trim().startsWith('// @ts-expect-error') ? [i + 2] : []));
  assert.ok(expected.length >= 9, 'the file has its checks');
  const stripped = lines.map((line) => (line.trim().startsWith('// @ts-expect-error') ? '' : line)).join('\n');

  const config = ts.getParsedCommandLineOfConfigFile(path.join(repoRoot, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  assert.ok(config);
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (path.resolve(name) === file ? stripped : readFile(name));
  // Without the DOM library (Node's own types cover what these modules use) the check is much faster.
  const program = ts.createProgram({ rootNames: [file], options: { ...config.options, lib: ['lib.es2023.d.ts'], noEmit: true }, host });
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file && path.resolve(d.file.fileName) === file);
  const failing = [...new Set(diagnostics.map((d) => d.file!.getLineAndCharacterOfPosition(d.start!).line + 1))].sort((x, y) => x - y);
  assert.deepEqual(failing, expected, diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n'));
});
