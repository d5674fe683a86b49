// The approval signing key npm start keeps in .soar/ for the sandbox: generated when absent, kept across
// restarts, and replaced when it is shorter than the app accepts (the app's own minimum, not a copy of it).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { localApprovalSigningKey } from '../../src/host/approvalKey.js';
import { approvalSigningKey, minimumKeyLength } from '../../src/sdk/approvalToken.js';

const dir = mkdtempSync(path.join(tmpdir(), 'soar-approval-key-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const stored = (file: string): unknown => (JSON.parse(readFileSync(file, 'utf8')) as { approvalSigningKey: unknown }).approvalSigningKey;

test('absent: a key the app accepts is generated, kept in the file (mode 600) and returned again on the next start', async () => {
  const file = path.join(dir, 'new', 'approval-signing-key.json');
  const key = await localApprovalSigningKey(file);
  assert.equal(approvalSigningKey({ APPROVAL_SIGNING_KEY: key }), key);
  assert.equal(stored(file), key);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(await localApprovalSigningKey(file), key);
});

test('a kept key as long as the app requires is used; one character shorter, which the app refuses, is replaced', async () => {
  const file = path.join(dir, 'approval-signing-key.json');
  const long = 'k'.repeat(minimumKeyLength);
  writeFileSync(file, JSON.stringify({ approvalSigningKey: long }));
  assert.equal(await localApprovalSigningKey(file), long);

  const short = 'k'.repeat(minimumKeyLength - 1);
  assert.throws(() => approvalSigningKey({ APPROVAL_SIGNING_KEY: short }), /at least 32 characters/);
  writeFileSync(file, JSON.stringify({ approvalSigningKey: short }));
  const replaced = await localApprovalSigningKey(file);
  assert.notEqual(replaced, short);
  assert.equal(approvalSigningKey({ APPROVAL_SIGNING_KEY: replaced }), replaced);
  assert.equal(stored(file), replaced);
});
