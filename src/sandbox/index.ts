// The sandbox as a library: `startSandbox()` generates the CA, seeds the world, mounts every emulator on one
// HTTPS server on loopback and returns the app settings that point the app at it.

import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Emulator, EmulatorDeps } from './emulator.js';
import { createManagedIdentityEmulator, createTokenIssuer } from './auth.js';
import { createSandboxTls } from './ca.js';
import { FaultInjector, type FaultRule } from './faults.js';
import { SandboxServer, type CallRecord } from './server.js';
import { loadWorld, type World } from './world.js';
import { createSentinelEmulator } from './azure/sentinel.js';
import { createGraphEmulator } from './azure/graph.js';
import { createEmailEmulator } from './azure/email.js';
import { createGitHubEmulator, githubAppSettings } from './github/index.js';
import { createAzdoEmulators } from './azdo/index.js';

export type { World } from './world.js';
export type { CallRecord } from './server.js';
export type { FaultRule, FaultRuleInput } from './faults.js';
export { WorldValidationError } from './world.js';
export { FaultRuleError } from './faults.js';
export { AUDIENCES, APP_IDENTITY, TENANT_ID } from './auth.js';

export const EMAIL_SENDER_ADDRESS = 'DoNotReply@soar.contoso.com';
export const SOC_MAILBOX = 'soc@contoso.com';

export interface StartSandboxOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** World file path or object; missing slices come from worlds/default. */
  world?: string | object;
  /** Write the CA certificate (PEM) here, for NODE_EXTRA_CA_CERTS / SOAR_EXTRA_CA_FILE. */
  caFile?: string;
  /** The managed-identity endpoint's X-IDENTITY-HEADER secret (default: random). */
  identityHeader?: string;
  /** Lifetime of issued access tokens (default 3600 s). */
  tokenLifetimeSeconds?: number;
  /** The sandbox's clock, epoch ms (default Date.now): token expiry, timestamps, HMAC date check. */
  clock?: () => number;
  /** Receives one line per request (method, service, path, status; never secrets). */
  log?: (line: string) => void;
}

export interface Sandbox {
  /** https://127.0.0.1:<port> */
  url: string;
  caPem: string;
  caFile?: string;
  /** The app settings that point the app at this sandbox (see the README section). */
  appSettings: Record<string, string>;
  /** The live world (mutable: tests may arrange state directly). */
  world(): World;
  calls(filter?: { service?: string }): CallRecord[];
  faults: { add(rule: unknown): FaultRule; clear(): void; list(): FaultRule[] };
  /** A signed access token for `audience`, as the managed-identity endpoint would issue it now. */
  token(audience: string): string;
  /** Restores the seed world (keeping the GitHub installation tokens issued and not yet expired) and clears calls and faults. */
  reset(): void;
  close(): Promise<void>;
}

export async function startSandbox(options: StartSandboxOptions = {}): Promise<Sandbox> {
  const now = options.clock ?? Date.now;
  const seed = loadWorld(options.world ?? {});
  let world = structuredClone(seed);
  const tls = await createSandboxTls(new Date(now()));
  const issuer = createTokenIssuer({ lifetimeSeconds: options.tokenLifetimeSeconds ?? 3600 });
  const identityHeader = options.identityHeader ?? randomBytes(18).toString('base64url');
  const accessKey = randomBytes(32);
  const faults = new FaultInjector();

  let url = '';
  const deps: EmulatorDeps = { world: () => world, now, verifyBearer: issuer.verifyBearer, sandboxUrl: () => url };
  const emulators: Emulator[] = [
    createManagedIdentityEmulator({ issuer, identityHeader, now }),
    createSentinelEmulator(deps),
    createGraphEmulator(deps),
    createEmailEmulator({ ...deps, accessKey }),
    createGitHubEmulator(deps),
    ...createAzdoEmulators(deps),
  ];

  const server = new SandboxServer({
    port: options.port ?? 0,
    tls,
    emulators,
    faults,
    now,
    state: () => world,
    reset: () => reset(),
    ...(options.log ? { log: options.log } : {}),
  });
  function reset(): void {
    // A client's @octokit/auth-app cache keeps using the installation token it was issued until it expires, as it may
    // against GitHub: the restored seed world must still accept the tokens issued before the reset.
    const issued = world.github.tokens.filter((t) => t.kind === 'installation' && Date.parse(t.expiresAt) > now());
    world = structuredClone(seed);
    const seeded = new Set(world.github.tokens.map((t) => t.token));
    world.github.tokens.push(...issued.filter((t) => !seeded.has(t.token)));
    server.clearCalls();
    faults.clear();
  }

  url = await server.listen();
  if (options.caFile) await writeFile(options.caFile, tls.caPem, { mode: 0o644 });

  const sentinel = seed.sentinel;
  const appSettings: Record<string, string> = {
    IDENTITY_ENDPOINT: `${url}/msi/token`,
    IDENTITY_HEADER: identityHeader,
    ARM_ENDPOINT: `${url}/arm`,
    GRAPH_ENDPOINT: `${url}/graph`,
    ACS_ENDPOINT: url,
    ACS_CONNECTION_STRING: `endpoint=${url}/;accesskey=${accessKey.toString('base64')}`,
    EMAIL_SENDER_ADDRESS,
    GITHUB_API_URL: `${url}/github`,
    ...githubAppSettings(),
    AZDO_BASE_URL: `${url}/azdo/dev`,
    AZDO_VSSPS_URL: `${url}/azdo/vssps`,
    AZDO_EXTMGMT_URL: `${url}/azdo/extmgmt`,
    AZDO_AUDIT_URL: `${url}/azdo/audit`,
    AZDO_ORGANIZATION: 'contoso',
    SENTINEL_SUBSCRIPTION_ID: sentinel.subscriptionId,
    SENTINEL_RESOURCE_GROUP: sentinel.resourceGroup,
    SENTINEL_WORKSPACE_NAME: sentinel.workspaceName,
    SOC_MAILBOX,
    ...(options.caFile ? { SOAR_EXTRA_CA_FILE: options.caFile } : {}),
  };

  return {
    url,
    caPem: tls.caPem,
    ...(options.caFile ? { caFile: options.caFile } : {}),
    appSettings,
    world: () => world,
    calls: (filter) => server.calls(filter?.service),
    faults: { add: (rule) => faults.add(rule), clear: () => faults.clear(), list: () => faults.list() },
    token: (audience) => issuer.issue(audience, now()).token,
    reset,
    close: () => server.close(),
  };
}
