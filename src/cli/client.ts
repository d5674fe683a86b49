// HTTP client for the app's operations API, on the local host or a deployed Function App.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface Target {
  /** Base URL without a trailing slash, e.g. http://localhost:7071. */
  url: string;
  key?: string;
  /** The key file the key was read from, when it came from the local host's .soar/host-keys.json. */
  keyFile?: string;
}

export const DEFAULT_URL = 'http://localhost:7071';

/** A non-2xx answer, with the API's error message when it sent one. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(message: string, readonly status: number, readonly body: unknown) {
    super(message);
  }
}

/**
 * The app to talk to and its function key. URL: --url, else SOAR_URL, else http://localhost:7071. Key: --key,
 * else SOAR_KEY, else, when the URL is the local host (http on localhost, 127.0.0.1 or ::1, any port), the
 * function key `npm start` generated in the nearest .soar/host-keys.json from `cwd` up. A key from the file is
 * never sent anywhere else.
 */
export function targetFrom(values: ReadonlyMap<string, string>, env: NodeJS.ProcessEnv, cwd: string): Target {
  const url = (values.get('url') || env['SOAR_URL'] || DEFAULT_URL).replace(/\/+$/, '');
  const key = values.get('key') || env['SOAR_KEY'];
  if (key) return { url, key };
  const local = isLocalHost(url) ? localHostKey(cwd) : undefined;
  return local ? { url, key: local.key, keyFile: local.file } : { url };
}

/** http://localhost, 127.0.0.1 or [::1], on any port: the local host `npm start` runs. */
export function isLocalHost(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  } catch {
    return false;
  }
}

/** The function key in the nearest `.soar/host-keys.json` from `dir` up (the app folder npm start ran in). */
export function localHostKey(dir: string): { key: string; file: string } | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const file = path.join(current, '.soar', 'host-keys.json');
    try {
      const { functionKey } = JSON.parse(readFileSync(file, 'utf8')) as { functionKey?: unknown };
      if (typeof functionKey === 'string' && functionKey !== '') return { key: functionKey, file };
    } catch {
      // absent or unreadable: look further up
    }
    if (path.dirname(current) === current) return undefined;
  }
}

export async function callApi<T>(target: Target, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (target.key) headers['x-functions-key'] = target.key;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new ApiError(`Cannot reach ${target.url}${cause ? ` (${cause})` : ''}. Is the host running? Set --url or SOAR_URL.`, 0, undefined);
  }
  const text = await response.text();
  let parsed: unknown = text;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (response.status >= 400) throw new ApiError(messageOf(response.status, parsed, target), response.status, parsed);
  return { status: response.status, body: parsed as T };
}

function messageOf(status: number, body: unknown, target: Target): string {
  if (status === 401) {
    return target.keyFile
      ? `HTTP 401: the function key in ${target.keyFile} is not ${target.url}'s (was that host started from another folder, or with SOAR_FUNCTION_KEY?); set --key or SOAR_KEY.`
      : 'HTTP 401: the function key is missing or wrong (set --key or SOAR_KEY).';
  }
  const error = typeof body === 'object' && body !== null ? (body as { error?: { code?: string; message?: string; details?: unknown } }).error : undefined;
  if (error?.message) {
    const details = Array.isArray(error.details)
      ? error.details.map((d: { path?: string; message?: string; expected?: string }) => `\n  ${d.path ?? ''}: ${d.message ?? d.expected ?? ''}`).join('')
      : '';
    return `HTTP ${status} ${error.code ?? ''}: ${error.message}${details}`;
  }
  return `HTTP ${status}`;
}
