import { callAzureSdk } from '../../clients/azureSdk.js';

export interface WireOptions {
  abortSignal: AbortSignal;
  onResponse: (raw: { bodyAsText?: string | null }) => void;
}

/**
 * Runs a Sentinel SDK call and returns the response body as sent: the SDK's deserializer mangles string values in
 * alert custom details, and entity properties must stay camelCase as in the incident trigger's relatedEntities.
 */
export async function sentinelWireJson(call: (options: WireOptions) => Promise<unknown>, signal: AbortSignal): Promise<unknown> {
  let body: unknown;
  await callAzureSdk('Sentinel', () =>
    call({
      abortSignal: signal,
      onResponse: (raw) => {
        body = raw.bodyAsText ? JSON.parse(raw.bodyAsText) : undefined;
      },
    }),
  );
  return body;
}
