// The one error hierarchy of the runtime. Every message is redacted when the error is built, because the
// durable host stores activity errors in run history that many analysts read.

import { redact } from './redact.js';

export type RemoteApi = 'Sentinel' | 'Graph' | 'ACS' | 'GitHub' | 'AzureDevOps';

export interface SoarErrorOptions {
  code: string;
  retryable: boolean;
}

export class SoarError extends Error {
  override readonly name: string = 'SoarError';
  readonly code: string;
  readonly retryable: boolean;

  constructor(message: string, options: SoarErrorOptions) {
    super(redact(message));
    this.code = options.code;
    this.retryable = options.retryable;
  }
}

export interface RemoteApiErrorOptions {
  api: RemoteApi;
  status: number;
  remoteCode?: string | undefined;
  remoteMessage: string;
  retryable?: boolean;
}

/** Statuses worth another try: throttling, transient server errors and dropped connections (status 0). */
export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

export class RemoteApiError extends SoarError {
  override readonly name: string = 'RemoteApiError';
  readonly api: RemoteApi;
  readonly status: number;
  readonly remoteCode: string | undefined;

  constructor(options: RemoteApiErrorOptions) {
    const code = options.remoteCode ? ` (remote code: ${options.remoteCode})` : '';
    const status = options.status === 0 ? 'request failed' : String(options.status);
    super(`${options.api} API ${status}${code}: ${options.remoteMessage}`, {
      code: 'RemoteApiError',
      retryable: options.retryable ?? isRetryableStatus(options.status),
    });
    this.api = options.api;
    this.status = options.status;
    this.remoteCode = options.remoteCode;
  }
}

export interface ValidationIssue {
  /** Dotted path of the invalid field, '' for the value itself. */
  path: string;
  message: string;
}

export class ValidationError extends SoarError {
  override readonly name: string = 'ValidationError';
  readonly issues: readonly ValidationIssue[];

  constructor(subject: string, issues: readonly ValidationIssue[]) {
    const list = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
    super(`Invalid ${subject}: ${list}`, { code: 'ValidationFailed', retryable: false });
    this.issues = issues;
  }
}

export class ConfigError extends SoarError {
  override readonly name: string = 'ConfigError';
  readonly setting: string;

  constructor(setting: string, problem = 'is not set') {
    super(`Setting ${setting} ${problem}`, { code: 'ConfigMissing', retryable: false });
    this.setting = setting;
  }
}
