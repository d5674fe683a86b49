// The app's one Azure credential: the Functions managed identity (IDENTITY_ENDPOINT / IDENTITY_HEADER),
// user-assigned when AZURE_CLIENT_ID is set. Tokens are cached per scope until shortly before they expire
// and concurrent requests share one token request, so every client (SDK pipelines and fetch helpers alike)
// costs one token request per audience per process.

import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { SoarError } from './errors.js';
import { identitySdk } from './sdks.js';
import { clientCache, optionalSetting, requiredSetting } from './settings.js';
import { trustExtraCa } from './trust.js';

/** Renew this long before expiry, so a token never expires in flight. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

export class CachingCredential implements TokenCredential {
  private readonly tokens = new Map<string, Promise<AccessToken>>();

  /** The settings this credential was built from; clients holding it include this in their own cache keys. */
  constructor(
    private readonly inner: TokenCredential,
    readonly key: string,
  ) {}

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const key = ([] as string[]).concat(scopes).join(' ');
    const cached = this.tokens.get(key);
    if (cached) {
      return cached.then((token) => {
        if (token.expiresOnTimestamp - EXPIRY_MARGIN_MS > Date.now()) return token;
        // Expiring: the first caller renews it, the others wait for that renewal.
        return this.tokens.get(key) === cached ? this.fetch(key, scopes, options) : this.getToken(scopes, options);
      });
    }
    return this.fetch(key, scopes, options);
  }

  private fetch(key: string, scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const pending = this.inner.getToken(scopes, { abortSignal: options?.abortSignal }).then((token) => {
      if (!token) throw new Error(`Managed identity returned no token for ${key}`);
      return token;
    });
    this.tokens.set(key, pending);
    pending.catch(() => {
      if (this.tokens.get(key) === pending) this.tokens.delete(key);
    });
    return pending;
  }
}

const credentials = clientCache<CachingCredential>();

export function azureCredential(): CachingCredential {
  trustExtraCa();
  const endpoint = requiredSetting('IDENTITY_ENDPOINT');
  requiredSetting('IDENTITY_HEADER');
  const clientId = optionalSetting('AZURE_CLIENT_ID');
  const key = `${endpoint}|${clientId ?? ''}`;
  return credentials(key, () => {
    const { ManagedIdentityCredential } = identitySdk();
    return new CachingCredential(clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential(), key);
  });
}

/** A bearer token for one scope, e.g. 'https://graph.microsoft.com/.default'. */
export async function bearerToken(scope: string, abortSignal?: AbortSignal): Promise<string> {
  try {
    const token = await azureCredential().getToken(scope, abortSignal ? { abortSignal } : {});
    return token.token;
  } catch (error) {
    throw credentialError(error);
  }
}

/** A failed token request: retryable, since the managed-identity endpoint's failures are mostly transient. */
export function credentialError(error: unknown): SoarError {
  if (error instanceof SoarError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SoarError(`Managed identity token request failed: ${message}`, { code: 'AuthenticationFailed', retryable: true });
}

/** True for the errors @azure/identity throws (AuthenticationError, CredentialUnavailableError, ...). */
export function isCredentialError(error: unknown): boolean {
  return error instanceof Error && /^(AuthenticationError|CredentialUnavailableError|AggregateAuthenticationError)$/.test(error.name);
}
