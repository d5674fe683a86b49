// App settings, read from process.env (Azure app settings, local.settings.json, or the sandbox's appSettings).

import { ConfigError } from './errors.js';

export function requiredSetting(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') throw new ConfigError(name);
  return value.trim();
}

export function optionalSetting(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

export function numberSetting(name: string, fallback: number): number {
  const raw = optionalSetting(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(name, `must be a non-negative number, got '${raw}'`);
  return value;
}

/** A base URL without its trailing slash. */
export function baseUrlSetting(name: string, fallback?: string): string {
  const value = fallback === undefined ? requiredSetting(name) : (optionalSetting(name) ?? fallback);
  try {
    new URL(value);
  } catch {
    throw new ConfigError(name, `is not a URL: '${value}'`);
  }
  return value.replace(/\/+$/, '');
}

/** How every client retries throttled and transient failures (Azure SDK option names). */
export interface ClientRetrySettings {
  maxRetries: number;
  retryDelayInMs: number;
  /** Upper bound of one wait; a Retry-After longer than this is not waited for (the activity fails retryable). */
  maxRetryDelayInMs: number;
}

export function clientRetrySettings(): ClientRetrySettings {
  return {
    maxRetries: numberSetting('SOAR_RETRY_MAX_RETRIES', 4),
    retryDelayInMs: numberSetting('SOAR_RETRY_DELAY_MS', 800),
    maxRetryDelayInMs: numberSetting('SOAR_RETRY_MAX_DELAY_MS', 30_000),
  };
}

/**
 * A cache of clients keyed by the settings they were built from: each client is built once per process and
 * reused (keep-alive, token caches), and rebuilt only if its settings change (e.g. a test starts a new sandbox).
 */
export function clientCache<T>(): (key: string, build: () => T) => T {
  const built = new Map<string, T>();
  return (key, build) => {
    let value = built.get(key);
    if (value === undefined) {
      value = build();
      built.set(key, value);
    }
    return value;
  };
}
