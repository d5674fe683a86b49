// The approval links' signing key for `npm start` with the sandbox, when no APPROVAL_SIGNING_KEY is configured:
// a random key generated on the first start and kept in .soar/approval-signing-key.json (mode 600), so links
// sent before a restart still verify after it. Like the generated host keys, it is never printed or logged.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { minimumKeyLength } from '../sdk/approvalToken.js';

export const approvalSigningKeySetting = 'APPROVAL_SIGNING_KEY';
export const approvalSigningKeyFileName = 'approval-signing-key.json';

/**
 * The key kept in `file`, generating and writing one when the file is absent or holds no usable key (one
 * shorter than the app accepts is not).
 */
export async function localApprovalSigningKey(file: string): Promise<string> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { approvalSigningKey?: unknown };
    if (typeof parsed.approvalSigningKey === 'string' && parsed.approvalSigningKey.length >= minimumKeyLength) return parsed.approvalSigningKey;
  } catch {
    // absent or unreadable: a new key is generated and written
  }
  const key = randomBytes(32).toString('base64url');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify({ approvalSigningKey: key }, null, 2) + '\n', { mode: 0o600 });
  return key;
}
