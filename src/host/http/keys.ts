// Function and master keys for the local host's auth levels. They come from the settings
// SOAR_FUNCTION_KEY / SOAR_MASTER_KEY; when a setting is unset, a random key is generated and, if a keys
// file is given (`npm start` uses .soar/host-keys.json), kept there so it stays the same across restarts.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const functionKeySetting = 'SOAR_FUNCTION_KEY';
export const masterKeySetting = 'SOAR_MASTER_KEY';

/** Where a key came from, for the start-up banner (which never prints the key itself). */
export type KeySource = { kind: 'setting'; setting: string } | { kind: 'file'; file: string } | { kind: 'generated' };

export interface HostKeys {
  functionKey: string;
  masterKey: string;
  functionKeySource: KeySource;
  masterKeySource: KeySource;
}

interface KeysFile {
  functionKey?: string;
  masterKey?: string;
}

export async function resolveKeys(env: NodeJS.ProcessEnv, keysFile?: string): Promise<HostKeys> {
  const stored: KeysFile = keysFile ? await readKeysFile(keysFile) : {};
  const pick = (setting: string, storedKey: string | undefined): { key: string; source: KeySource } => {
    const configured = env[setting];
    if (configured) return { key: configured, source: { kind: 'setting', setting } };
    const key = storedKey ?? randomBytes(32).toString('base64url');
    return { key, source: keysFile ? { kind: 'file', file: keysFile } : { kind: 'generated' } };
  };
  const fn = pick(functionKeySetting, stored.functionKey);
  const master = pick(masterKeySetting, stored.masterKey);
  if (keysFile) {
    const next: KeysFile = {
      functionKey: fn.source.kind === 'file' ? fn.key : stored.functionKey,
      masterKey: master.source.kind === 'file' ? master.key : stored.masterKey,
    };
    if (next.functionKey !== stored.functionKey || next.masterKey !== stored.masterKey) {
      await mkdir(path.dirname(keysFile), { recursive: true });
      await writeFile(keysFile, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
    }
  }
  return { functionKey: fn.key, masterKey: master.key, functionKeySource: fn.source, masterKeySource: master.source };
}

async function readKeysFile(file: string): Promise<KeysFile> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { functionKey, masterKey } = parsed as Record<string, unknown>;
    return {
      functionKey: typeof functionKey === 'string' && functionKey !== '' ? functionKey : undefined,
      masterKey: typeof masterKey === 'string' && masterKey !== '' ? masterKey : undefined,
    };
  } catch {
    return {}; // absent or unreadable: new keys are generated and written
  }
}

export type AuthLevel = 'anonymous' | 'function' | 'admin';

/** Whether `presented` (from x-functions-key or code=) opens a function of `level`. */
export function isAuthorized(level: AuthLevel, presented: string | undefined, keys: HostKeys): boolean {
  if (level === 'anonymous') return true;
  if (presented === undefined || presented === '') return false;
  if (sameKey(presented, keys.masterKey)) return true;
  return level === 'function' && sameKey(presented, keys.functionKey);
}

function sameKey(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
