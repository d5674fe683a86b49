// Signed approval links. A token names one run, one approval request, one decision and one approver, and
// expires; it is HMAC-SHA256 signed with the APPROVAL_SIGNING_KEY setting, so the link itself is the
// credential (the approval endpoint is anonymous). Single use is enforced by the endpoint, not the token.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../clients/errors.js';

export type ApprovalDecision = 'approved' | 'rejected';

export interface ApprovalClaims {
  instanceId: string;
  approvalId: string;
  decision: ApprovalDecision;
  /** E-mail address of the approver the link was sent to. */
  approver: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export type ApprovalTokenCheck =
  | { ok: true; claims: ApprovalClaims }
  | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

const version = 1;
/** APPROVAL_SIGNING_KEY must be at least this long (the key npm start generates for the sandbox is too). */
export const minimumKeyLength = 32;

/** The signing key from settings; a missing or short key is a configuration error, never a silent default. */
export function approvalSigningKey(env: NodeJS.ProcessEnv = process.env): string {
  const key = env.APPROVAL_SIGNING_KEY;
  if (!key) throw new ConfigError('APPROVAL_SIGNING_KEY');
  if (key.length < minimumKeyLength) {
    throw new ConfigError('APPROVAL_SIGNING_KEY', `must be at least ${minimumKeyLength} characters long`);
  }
  return key;
}

export function signApprovalToken(claims: ApprovalClaims, key: string): string {
  const payload = Buffer.from(
    JSON.stringify([version, claims.instanceId, claims.approvalId, claims.decision, claims.approver, claims.expiresAt]),
  ).toString('base64url');
  return `${payload}.${mac(payload, key)}`;
}

export function verifyApprovalToken(token: string, key: string, nowMs: number): ApprovalTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, reason: 'malformed' };
  const [payload, signature] = parts as [string, string];
  const expected = Buffer.from(mac(payload, key), 'base64url');
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
  const claims = parseClaims(payload);
  if (!claims) return { ok: false, reason: 'malformed' };
  if (claims.expiresAt <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

function mac(payload: string, key: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

function parseClaims(payload: string): ApprovalClaims | undefined {
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields) || fields.length !== 6 || fields[0] !== version) return undefined;
  const [, instanceId, approvalId, decision, approver, expiresAt] = fields as unknown[];
  if (typeof instanceId !== 'string' || typeof approvalId !== 'string' || typeof approver !== 'string') return undefined;
  if (decision !== 'approved' && decision !== 'rejected') return undefined;
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return undefined;
  return { instanceId, approvalId, decision, approver, expiresAt };
}
