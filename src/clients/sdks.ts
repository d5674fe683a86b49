// The remote-API SDKs are most of the app's start-up time, and a Functions cold start should not pay for SDKs
// that a run never uses: client factories load them on first use. `require` keeps the factories synchronous
// (Node 22.12+ can require the ESM-only Octokit packages too).
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

function onFirstUse<T>(id: string): () => T {
  let sdk: T | undefined;
  return () => (sdk ??= load(id) as T);
}

export const identitySdk = onFirstUse<typeof import('@azure/identity')>('@azure/identity');
export const securityInsightsSdk = onFirstUse<typeof import('@azure/arm-securityinsight')>('@azure/arm-securityinsight');
export const emailSdk = onFirstUse<typeof import('@azure/communication-email')>('@azure/communication-email');
export const octokitSdk = onFirstUse<typeof import('@octokit/rest')>('@octokit/rest');
export const octokitRetrySdk = onFirstUse<typeof import('@octokit/plugin-retry')>('@octokit/plugin-retry');
export const octokitThrottlingSdk = onFirstUse<typeof import('@octokit/plugin-throttling')>('@octokit/plugin-throttling');
export const octokitAppAuthSdk = onFirstUse<typeof import('@octokit/auth-app')>('@octokit/auth-app');
// bottleneck is CommonJS: require returns the class its typings call the default export.
export const bottleneckSdk = onFirstUse<typeof import('bottleneck').default>('bottleneck');
