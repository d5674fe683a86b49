// Sandbox authentication: the managed-identity token endpoint (App Service / Functions flavour,
// IDENTITY_ENDPOINT + IDENTITY_HEADER, api-version 2019-08-01) and the bearer-token check every Azure-style
// emulator runs. Tokens are HS256 JWTs signed with a per-sandbox secret, so they are real tokens with real
// audience and expiry, verifiable only by this sandbox.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Emulator, SandboxReply, SandboxRequest, TokenClaims, VerifyBearer } from './emulator.js';

export const AUDIENCES = {
  arm: 'https://management.azure.com',
  graph: 'https://graph.microsoft.com',
  acs: 'https://communication.azure.com',
  azdo: '499b84ac-1321-427f-aa17-267ca6975798',
} as const;

export const TENANT_ID = '72f988bf-0000-4000-8000-000000000001';
/** The function app's system-assigned identity in the sandbox universe. */
export const APP_IDENTITY = {
  objectId: 'f6000000-0000-4000-8000-000000000006',
  clientId: 'f7000000-0000-4000-8000-000000000007',
} as const;

export interface TokenIssuer {
  /** Issues a signed token for `audience` valid for the configured lifetime from `nowMs`. */
  issue(audience: string, nowMs: number, clientId?: string): { token: string; claims: TokenClaims };
  verifyBearer: VerifyBearer;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** URL audiences compare without trailing slashes (ACS's MI resource is `https://communication.azure.com/`). */
const normaliseAudience = (aud: string): string => aud.replace(/\/+$/, '').toLowerCase();

/** ARM's error shape; the default for Azure-style services. */
export function armError(status: number, code: string, message: string): SandboxReply {
  return { status, headers: { 'x-ms-error-code': code }, json: { error: { code, message } } };
}

/**
 * One signing key per process, shared by every sandbox started in it: @azure/identity (MSAL) caches managed-identity
 * tokens per process, so a token cached from an earlier sandbox must still verify in the next one.
 */
const PROCESS_SIGNING_KEY = randomBytes(32);

export function createTokenIssuer(options: { lifetimeSeconds: number; secret?: Buffer }): TokenIssuer {
  const secret = options.secret ?? PROCESS_SIGNING_KEY;
  const sign = (input: string): Buffer => createHmac('sha256', secret).update(input).digest();

  function issue(audience: string, nowMs: number, clientId: string = APP_IDENTITY.clientId) {
    const iat = Math.floor(nowMs / 1000);
    const claims: TokenClaims = {
      aud: audience,
      iss: `https://sts.windows.net/${TENANT_ID}/`,
      iat,
      nbf: iat - 300,
      exp: iat + options.lifetimeSeconds,
      oid: APP_IDENTITY.objectId,
      tid: TENANT_ID,
      appid: clientId,
      sub: APP_IDENTITY.objectId,
    };
    const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })) + '.' + b64url(JSON.stringify(claims));
    return { token: head + '.' + b64url(sign(head)), claims };
  }

  function decode(token: string): TokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    const expected = sign(header + '.' + payload);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
      return typeof claims.aud === 'string' && typeof claims.exp === 'number' ? claims : undefined;
    } catch {
      return undefined;
    }
  }

  const verifyBearer: VerifyBearer = (req, audiences, now, errorReply = armError) => {
    const fail = (code: string, message: string) => {
      const reply = errorReply(401, code, message);
      return {
        ok: false as const,
        reply: { ...reply, headers: { ...reply.headers, 'www-authenticate': `Bearer error="invalid_token"` } },
      };
    };
    const header = req.headers.authorization;
    if (!header) return fail('AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      return fail('InvalidAuthenticationToken', "Authentication failed. The 'Authorization' header is not a Bearer token.");
    }
    const claims = decode(match[1] as string);
    if (!claims) return fail('InvalidAuthenticationToken', 'The access token is invalid.');
    if (claims.exp * 1000 <= now) {
      return fail('ExpiredAuthenticationToken', 'The access token expiry UTC time is earlier than current UTC time.');
    }
    if (!audiences.map(normaliseAudience).includes(normaliseAudience(claims.aud))) {
      return fail('InvalidAuthenticationTokenAudience', 'The access token has been obtained for wrong audience or resource.');
    }
    return { ok: true, claims };
  };

  return { issue, verifyBearer };
}

/** App Service's MSI error body, as MSAL parses it (`message` becomes the error description). */
function miError(status: number, message: string): SandboxReply {
  return { status, json: { statusCode: status, message, correlationId: randomBytes(16).toString('hex') } };
}

/** The managed-identity token endpoint, mounted at /msi: `GET /msi/token?api-version=2019-08-01&resource=…`. */
export function createManagedIdentityEmulator(deps: {
  issuer: TokenIssuer;
  identityHeader: string;
  now(): number;
}): Emulator {
  const headerMatches = (req: SandboxRequest): boolean => {
    const given = Buffer.from(String(req.headers['x-identity-header'] ?? ''));
    const expected = Buffer.from(deps.identityHeader);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  return {
    name: 'msi',
    mount: '/msi',
    errorReply: (status, _code, message) => miError(status, message),
    routes: [
      {
        method: 'GET',
        path: '/token',
        handler: (req) => {
          if (!headerMatches(req)) return miError(401, 'Unauthorized: the X-IDENTITY-HEADER header is missing or wrong.');
          if (req.query.get('api-version') !== '2019-08-01') {
            return miError(400, "The 'api-version' query parameter must be '2019-08-01'.");
          }
          const resource = req.query.get('resource');
          if (!resource) return miError(400, "The 'resource' query parameter is required.");
          const clientId = req.query.get('client_id') ?? APP_IDENTITY.clientId;
          const { token, claims } = deps.issuer.issue(resource, deps.now(), clientId);
          return {
            status: 200,
            json: {
              access_token: token,
              expires_on: String(claims.exp),
              resource,
              token_type: 'Bearer',
              client_id: clientId,
            },
          };
        },
      },
    ],
  };
}
