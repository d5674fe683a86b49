// Retry policies and timeouts shared by the action catalogue (durable activity retries, on top of the
// clients' own short in-process retries).

import type { ActionRetryPolicy, Permission } from './action.js';

export const READ_RETRY: ActionRetryPolicy = { maxRetries: 3, retryDelayInMs: 2_000, maxRetryDelayInMs: 30_000, retryMode: 'exponential' };
export const WRITE_RETRY: ActionRetryPolicy = { maxRetries: 4, retryDelayInMs: 5_000, maxRetryDelayInMs: 60_000, retryMode: 'exponential' };
export const DEFAULT_TIMEOUT_MS = 60_000;

export function azureRole(api: 'Sentinel' | 'ACS', name: string): Permission {
  return { api, name, kind: 'azureRole', grantedBy: 'arm' };
}
export function graphAppRole(name: string): Permission {
  return { api: 'Graph', name, kind: 'graphAppRole', grantedBy: 'manual' };
}
export function githubAppPermission(name: string): Permission {
  return { api: 'GitHub', name, kind: 'githubAppPermission', grantedBy: 'manual' };
}
export function azdoPermission(name: string): Permission {
  return { api: 'AzureDevOps', name, kind: 'azdoPermission', grantedBy: 'manual' };
}

