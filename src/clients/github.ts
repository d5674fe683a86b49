// GitHub REST through Octokit: retry (5xx, resets) and throttling (primary and secondary rate limits, write
// pacing) plugins; authenticated as a GitHub App installation (token cached by @octokit/auth-app until it
// expires) or with a token. A separate unauthenticated client exists for POST /credentials/revoke, which
// GitHub refuses for authenticated callers.

import type { Octokit } from '@octokit/rest';
import { ConfigError, RemoteApiError, SoarError } from './errors.js';
import { redact } from './redact.js';
import { bottleneckSdk, octokitAppAuthSdk, octokitRetrySdk, octokitSdk, octokitThrottlingSdk } from './sdks.js';
import { baseUrlSetting, clientCache, clientRetrySettings, numberSetting, optionalSetting } from './settings.js';
import { trustExtraCa } from './trust.js';

export type GitHubClient = Octokit;

function githubApiUrl(): string {
  return baseUrlSetting('GITHUB_API_URL', 'https://api.github.com');
}

function build(auth: Record<string, unknown>): GitHubClient {
  const { maxRetries, retryDelayInMs, maxRetryDelayInMs } = clientRetrySettings();
  // GitHub asks integrators to space content-creating requests about a second apart.
  const writeIntervalMs = numberSetting('SOAR_GITHUB_WRITE_INTERVAL_MS', 1000);
  // A secondary limit without a usable Retry-After: GitHub says wait at least a minute.
  const fallbackWaitSeconds = numberSetting('SOAR_GITHUB_RATE_LIMIT_FALLBACK_S', 60);
  const wantRetry = (retryAfterSeconds: number, _options: unknown, _octokit: unknown, retryCount: number): boolean =>
    retryCount < maxRetries && retryAfterSeconds * 1000 <= maxRetryDelayInMs;
  const GitHub = octokitSdk().Octokit.plugin(octokitRetrySdk().retry, octokitThrottlingSdk().throttling);
  const Bottleneck = bottleneckSdk();
  return new GitHub({
    baseUrl: githubApiUrl(),
    userAgent: 'sentinel-soar-runtime',
    ...auth,
    // Failed requests reach the caller as RemoteApiErrors; only plugin warnings are worth a log line.
    log: { debug: () => {}, info: () => {}, warn: (message: string) => console.warn(redact(message)), error: () => {} },
    // 429 and 403 rate limits are the throttling plugin's (it honours Retry-After); the retry plugin takes 5xx and resets.
    retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451], retries: maxRetries, retryAfterBaseValue: retryDelayInMs },
    throttle: {
      fallbackSecondaryRateRetryAfter: fallbackWaitSeconds,
      onRateLimit: wantRetry,
      onSecondaryRateLimit: wantRetry,
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: writeIntervalMs }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: writeIntervalMs }),
    },
  });
}

const clients = clientCache<GitHubClient>();

/** The authenticated client: GitHub App installation when GITHUB_APP_ID is set, else GITHUB_TOKEN. */
export function githubClient(): GitHubClient {
  trustExtraCa();
  const base = githubApiUrl();
  const appId = optionalSetting('GITHUB_APP_ID');
  if (appId !== undefined) {
    const privateKey = optionalSetting('GITHUB_APP_PRIVATE_KEY');
    if (privateKey === undefined) throw new ConfigError('GITHUB_APP_PRIVATE_KEY', 'is not set (needed with GITHUB_APP_ID)');
    const installationId = optionalSetting('GITHUB_APP_INSTALLATION_ID');
    if (installationId === undefined) throw new ConfigError('GITHUB_APP_INSTALLATION_ID', 'is not set (needed with GITHUB_APP_ID)');
    return clients(`app|${base}|${appId}|${installationId}|${privateKey}`, () =>
      build({
        authStrategy: octokitAppAuthSdk().createAppAuth,
        // App settings often hold the PEM on one line with literal \n.
        auth: { appId, privateKey: privateKey.replace(/\\n/g, '\n'), installationId: Number(installationId) },
      }),
    );
  }
  const token = optionalSetting('GITHUB_TOKEN');
  if (token === undefined) throw new ConfigError('GITHUB_APP_ID', 'is not set (nor GITHUB_TOKEN): no GitHub credentials');
  return clients(`token|${base}|${token}`, () => build({ auth: token }));
}

/** The unauthenticated client, only for POST /credentials/revoke. */
export function githubAnonymousClient(): GitHubClient {
  trustExtraCa();
  const base = githubApiUrl();
  return clients(`anonymous|${base}`, () => build({}));
}

interface OctokitErrorLike {
  name: string;
  status: number;
  message: string;
  response?: { data?: unknown };
}

function isOctokitError(error: unknown): error is OctokitErrorLike {
  return error instanceof Error && error.name === 'HttpError' && typeof (error as { status?: unknown }).status === 'number';
}

function fromGitHubError(error: unknown): SoarError {
  if (error instanceof SoarError) return error;
  if (isOctokitError(error)) {
    const data = error.response?.data;
    const record = data && typeof data === 'object' ? (data as { message?: unknown; errors?: Array<{ code?: unknown }> }) : {};
    const firstCode = Array.isArray(record.errors) ? record.errors[0]?.code : undefined;
    // Octokit reports a failed connection as status 500 without a response.
    const status = error.response === undefined ? 0 : error.status;
    const rateLimited = /\b(secondary )?rate limit/i.test(String(record.message ?? error.message));
    return new RemoteApiError({
      api: 'GitHub',
      status,
      remoteCode: typeof firstCode === 'string' ? firstCode : undefined,
      remoteMessage: typeof record.message === 'string' ? record.message : error.message,
      ...(rateLimited ? { retryable: true } : {}),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SoarError(`GitHub call failed: ${message}`, { code: 'Unexpected', retryable: false });
}

/** Runs Octokit calls and converts their failure. */
export async function callGitHub<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fromGitHubError(error);
  }
}

/** True when the GitHub call failed with this status (e.g. 404 for "not there"). */
export function isGitHubStatus(error: unknown, status: number): boolean {
  return error instanceof RemoteApiError && error.api === 'GitHub' && error.status === status;
}
