// The one retrying fetch helper, for the APIs called without an SDK (Microsoft Graph, Azure DevOps, and the
// Sentinel task endpoint the ARM SDK lacks). Throttling (429, 503) is retried honouring Retry-After within
// a bound, transient failures with exponential backoff; everything else surfaces as a RemoteApiError.

import { bearerToken } from './credential.js';
import { RemoteApiError, SoarError, isRetryableStatus, type RemoteApi } from './errors.js';
import { redact } from './redact.js';
import { clientRetrySettings, type ClientRetrySettings } from './settings.js';
import { trustExtraCa } from './trust.js';

export interface ApiRequest {
  api: RemoteApi;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** Entra scope of the bearer token, e.g. 'https://graph.microsoft.com/.default'. */
  scope: string;
  body?: unknown;
  signal?: AbortSignal | undefined;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort(): void {
      clearTimeout(timer);
      reject(abortError(signal!));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(signal: AbortSignal): SoarError {
  const reason: unknown = signal.reason;
  if (reason instanceof SoarError) return reason;
  return new SoarError('The operation was aborted', { code: 'Aborted', retryable: true });
}

/** Milliseconds the server asked us to wait (Retry-After in seconds or as a date, or retry-after-ms). */
export function retryAfterMs(headers: Headers): number | undefined {
  const ms = headers.get('retry-after-ms') ?? headers.get('x-ms-retry-after-ms');
  if (ms !== null && Number.isFinite(Number(ms))) return Number(ms);
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function backoffMs(attempt: number, settings: ClientRetrySettings): number {
  const exponential = settings.retryDelayInMs * 2 ** attempt;
  return Math.min(settings.maxRetryDelayInMs, exponential / 2 + Math.random() * (exponential / 2));
}

/** The remote error code and message from Azure ({error:{code,message}}), Azure DevOps ({typeKey,message}) or plain bodies. */
export function describeRemoteError(body: unknown, headers: Headers): { remoteCode: string | undefined; remoteMessage: string } {
  const headerCode = headers.get('x-ms-error-code') ?? undefined;
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    const inner = record.error && typeof record.error === 'object' ? (record.error as Record<string, unknown>) : record;
    const code = [inner.code, inner.typeKey, inner.errorCode].find((v) => typeof v === 'string' && v !== '') as string | undefined;
    const message = typeof inner.message === 'string' ? inner.message : JSON.stringify(body);
    return { remoteCode: code ?? headerCode, remoteMessage: message };
  }
  return { remoteCode: headerCode, remoteMessage: typeof body === 'string' && body ? body.slice(0, 500) : 'no error body' };
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export async function callApi<T>(request: ApiRequest): Promise<ApiResponse<T>> {
  trustExtraCa();
  const settings = clientRetrySettings();
  const url = new URL(request.url);
  const where = `${request.method} ${url.origin}${url.pathname}`;
  for (let attempt = 0; ; attempt++) {
    const token = await bearerToken(request.scope, request.signal);
    let response: Response;
    let body: unknown;
    try {
      response = await fetch(url, {
        method: request.method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: request.body === undefined ? null : JSON.stringify(request.body),
        signal: request.signal ?? null,
      });
      body = await readBody(response);
    } catch (error) {
      if (request.signal?.aborted) throw abortError(request.signal);
      // Connection refused, reset or TLS failure: transient unless we are out of attempts. Retrying a write is
      // safe here because every action's writes are idempotent (derived ids, read-then-write).
      const reason = error instanceof Error ? `${error.message}${causeText(error)}` : String(error);
      if (attempt < settings.maxRetries) {
        await sleep(backoffMs(attempt, settings), request.signal);
        continue;
      }
      throw new RemoteApiError({ api: request.api, status: 0, remoteMessage: `${where}: ${redact(reason)}` });
    }
    if (response.ok) return { status: response.status, body: body as T };

    const { remoteCode, remoteMessage } = describeRemoteError(body, response.headers);
    if (isRetryableStatus(response.status) && attempt < settings.maxRetries) {
      const asked = retryAfterMs(response.headers);
      const wait = asked ?? backoffMs(attempt, settings);
      if (wait <= settings.maxRetryDelayInMs) {
        await sleep(wait, request.signal);
        continue;
      }
    }
    throw new RemoteApiError({ api: request.api, status: response.status, remoteCode, remoteMessage });
  }
}

function causeText(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return ` (${(cause as { code?: string }).code ?? cause.message})`;
  return '';
}
