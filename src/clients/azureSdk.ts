// Shared by the Azure SDK clients (Sentinel, ACS): their pipelines retry throttling and transient failures
// themselves; this converts what they finally throw into the runtime's error hierarchy.

import { RemoteApiError, SoarError, type RemoteApi } from './errors.js';
import { credentialError, isCredentialError } from './credential.js';
import { clientRetrySettings } from './settings.js';

/** The retry options every Azure SDK client is built with (names from the Azure SDK guidelines). */
export function azureRetryOptions(): { maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number } {
  const { maxRetries, retryDelayInMs, maxRetryDelayInMs } = clientRetrySettings();
  return { maxRetries, retryDelayInMs, maxRetryDelayInMs };
}

interface RestErrorLike {
  name: string;
  message: string;
  statusCode?: number;
  code?: string;
  details?: unknown;
}

function isRestError(error: unknown): error is RestErrorLike {
  return error instanceof Error && error.name === 'RestError';
}

function fromAzureSdkError(api: RemoteApi, error: unknown): SoarError {
  if (error instanceof SoarError) return error;
  if (isCredentialError(error)) return credentialError(error);
  if (isRestError(error)) {
    // RestError without a status is a failed connection (reset, refused) that the pipeline gave up on.
    return new RemoteApiError({ api, status: error.statusCode ?? 0, remoteCode: error.code, remoteMessage: error.message });
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new SoarError(`${api} call aborted: ${error.message}`, { code: 'Aborted', retryable: true });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SoarError(`${api} call failed: ${message}`, { code: 'Unexpected', retryable: false });
}

/** Runs an SDK call and converts its failure. */
export async function callAzureSdk<T>(api: RemoteApi, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fromAzureSdkError(api, error);
  }
}
