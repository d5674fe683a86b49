import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedIdentityCredential } from '@azure/identity';
import { APP_IDENTITY, AUDIENCES, type Sandbox } from '../../src/sandbox/index.js';
import { call, startTrustedSandbox, useSandboxIdentity, WORKSPACE_PATH, type AzureErrorReply } from './helpers.js';

/** The managed-identity endpoint's error body (App Service / Functions MSI shape). */
interface MsiErrorReply {
  statusCode: number;
  message: string;
  correlationId: string;
}

/** The managed-identity endpoint's token reply. */
interface MsiTokenReply {
  access_token: string;
  expires_on: string;
  resource: string;
  token_type: string;
  client_id: string;
}

const INCIDENT = `/arm${WORKSPACE_PATH}/incidents/inc-repo-deleted-github?api-version=2025-09-01`;

// One sandbox for the file: @azure/identity keeps its managed-identity source per process.
let now = Date.now();
let sandbox: Sandbox;
before(async () => {
  sandbox = await startTrustedSandbox({ identityHeader: 'right-secret', clock: () => now, tokenLifetimeSeconds: 3600 });
  useSandboxIdentity(sandbox);
});
after(() => sandbox.close());

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));
}

test('managed identity: the real ManagedIdentityCredential gets an audience-bound token that ARM accepts', async () => {
  {
    const credential = new ManagedIdentityCredential();
    const token = await credential.getToken('https://management.azure.com/.default');
    const claims = claimsOf(token.token);
    assert.equal(claims.aud, 'https://management.azure.com');
    assert.equal(claims.oid, APP_IDENTITY.objectId);
    assert.equal(claims.tid, '72f988bf-0000-4000-8000-000000000001');
    assert.ok(Math.abs(token.expiresOnTimestamp - (now + 3600_000)) < 2000);
    const msiCall = sandbox.calls({ service: 'msi' })[0];
    assert.equal(msiCall?.path, '/msi/token?api-version=2019-08-01');
    assert.equal((await call(sandbox, 'GET', INCIDENT, { token: token.token })).status, 200);

    // ACS: the scope has a double slash, so the MI resource is 'https://communication.azure.com/'.
    const acs = await credential.getToken('https://communication.azure.com//.default');
    assert.equal(claimsOf(acs.token).aud, 'https://communication.azure.com/');
  }
});

test('managed identity: a wrong or missing X-IDENTITY-HEADER is 401 in the MSI error shape', async () => {
  {
    const url = '/msi/token?api-version=2019-08-01&resource=https://management.azure.com/';
    for (const headers of [{ 'x-identity-header': 'wrong-secret' }, {} as Record<string, string>]) {
      const res = await call<MsiErrorReply>(sandbox, 'GET', url, { headers });
      assert.equal(res.status, 401);
      assert.equal(res.json.statusCode, 401);
      assert.match(res.json.message, /X-IDENTITY-HEADER/);
      assert.equal(typeof res.json.correlationId, 'string');
    }
    const noResource = await call<MsiErrorReply>(sandbox, 'GET', '/msi/token?api-version=2019-08-01', { headers: { 'x-identity-header': 'right-secret' } });
    assert.equal(noResource.status, 400);
    assert.match(noResource.json.message, /resource/);
    const ok = await call<MsiTokenReply>(sandbox, 'GET', url + '&client_id=11111111-2222-4000-8000-000000000000', { headers: { 'x-identity-header': 'right-secret' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.token_type, 'Bearer');
    assert.equal(ok.json.resource, 'https://management.azure.com/');
    assert.equal(ok.json.client_id, '11111111-2222-4000-8000-000000000000');
    assert.match(ok.json.expires_on, /^\d+$/);

  }
});

test('bearer check: missing, forged, wrong-audience and expired tokens get 401 with the ARM error code', async () => {
  {
    const missing = await call<AzureErrorReply>(sandbox, 'GET', INCIDENT);
    assert.equal(missing.status, 401);
    assert.equal(missing.json.error.code, 'AuthenticationFailed');
    assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer/);

    const graphToken = sandbox.token(AUDIENCES.graph);
    const wrongAudience = await call<AzureErrorReply>(sandbox, 'GET', INCIDENT, { token: graphToken });
    assert.equal(wrongAudience.status, 401);
    assert.equal(wrongAudience.json.error.code, 'InvalidAuthenticationTokenAudience');

    const armToken = sandbox.token(AUDIENCES.arm + '/');
    const [head, payload] = armToken.split('.') as [string, string, string];
    const forgedPayload = Buffer.from(JSON.stringify({ ...claimsOf(armToken), oid: 'someone-else' })).toString('base64url');
    const forged = await call<AzureErrorReply>(sandbox, 'GET', INCIDENT, { token: `${head}.${forgedPayload}.${armToken.split('.')[2]}` });
    assert.equal(forged.status, 401);
    assert.equal(forged.json.error.code, 'InvalidAuthenticationToken');
    assert.equal((await call(sandbox, 'GET', INCIDENT, { token: `${head}.${payload}.` })).status, 401);

    assert.equal((await call(sandbox, 'GET', INCIDENT, { token: armToken })).status, 200);
    now += 3601_000;
    const expired = await call<AzureErrorReply>(sandbox, 'GET', INCIDENT, { token: armToken });
    assert.equal(expired.status, 401);
    assert.equal(expired.json.error.code, 'ExpiredAuthenticationToken');
  }
});
