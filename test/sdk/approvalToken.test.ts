import { test } from 'node:test';
import assert from 'node:assert/strict';
import { approvalSigningKey, signApprovalToken, verifyApprovalToken, type ApprovalClaims } from '../../src/sdk/approvalToken.js';

const key = 'k'.repeat(40);
const claims: ApprovalClaims = {
  instanceId: 'extension-installed-inc-1-create',
  approvalId: '3-approval',
  decision: 'approved',
  approver: 'carol@contoso.com',
  expiresAt: Date.UTC(2026, 0, 2),
};

test('a signed token verifies and returns its claims', () => {
  const token = signApprovalToken(claims, key);
  assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  assert.deepEqual(verifyApprovalToken(token, key, Date.UTC(2026, 0, 1)), { ok: true, claims });
});

test('a token is refused when expired, forged, tampered with or malformed', () => {
  const token = signApprovalToken(claims, key);
  assert.deepEqual(verifyApprovalToken(token, key, claims.expiresAt), { ok: false, reason: 'expired' });
  assert.deepEqual(verifyApprovalToken(token, 'x'.repeat(40), 0), { ok: false, reason: 'forged' });
  const [payload, signature] = token.split('.') as [string, string];
  const rejected = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('approved', 'rejected')).toString('base64url');
  assert.deepEqual(verifyApprovalToken(`${rejected}.${signature}`, key, 0), { ok: false, reason: 'forged' });
  assert.deepEqual(verifyApprovalToken(`${payload}.`, key, 0), { ok: false, reason: 'malformed' });
  assert.deepEqual(verifyApprovalToken('not-a-token', key, 0), { ok: false, reason: 'malformed' });
  const junk = Buffer.from('{"a":1}').toString('base64url');
  assert.deepEqual(verifyApprovalToken(signApprovalToken(claims, key).replace(payload, junk), key, 0), { ok: false, reason: 'forged' });
});

test('the signing key must be set and long enough', () => {
  assert.throws(() => approvalSigningKey({}), /Setting APPROVAL_SIGNING_KEY is not set/);
  assert.throws(() => approvalSigningKey({ APPROVAL_SIGNING_KEY: 'short' }), /at least 32 characters/);
  assert.equal(approvalSigningKey({ APPROVAL_SIGNING_KEY: key }), key);
});
