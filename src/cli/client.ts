// HTTP client for the app's operations API, on the local host or a deployed Function App.

export interface Target {
  /** Base URL without a trailing slash, e.g. http://localhost:7071. */
  url: string;
  key?: string;
}

export const DEFAULT_URL = 'http://localhost:7071';

/** A non-2xx answer, with the API's error message when it sent one. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(message: string, readonly status: number, readonly body: unknown) {
    super(message);
  }
}

export function targetFrom(values: ReadonlyMap<string, string>, env: NodeJS.ProcessEnv): Target {
  const url = (values.get('url') ?? env['SOAR_URL'] ?? DEFAULT_URL).replace(/\/+$/, '');
  const key = values.get('key') ?? env['SOAR_KEY'];
  return key ? { url, key } : { url };
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
  if (response.status >= 400) throw new ApiError(messageOf(response.status, parsed), response.status, parsed);
  return { status: response.status, body: parsed as T };
}

function messageOf(status: number, body: unknown): string {
  if (status === 401) return 'HTTP 401: the function key is missing or wrong (set --key or SOAR_KEY).';
  const error = typeof body === 'object' && body !== null ? (body as { error?: { code?: string; message?: string; details?: unknown } }).error : undefined;
  if (error?.message) {
    const details = Array.isArray(error.details)
      ? error.details.map((d: { path?: string; message?: string; expected?: string }) => `\n  ${d.path ?? ''}: ${d.message ?? d.expected ?? ''}`).join('')
      : '';
    return `HTTP ${status} ${error.code ?? ''}: ${error.message}${details}`;
  }
  return `HTTP ${status}`;
}
