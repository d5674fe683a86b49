// GitHub App JWT checks in the GitHub emulator: signature against the app's public key, issuer, iat/exp, and the
// clock-skew recovery @octokit/auth-app performs from the reply's Date header.

import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { createAppAuth } from '@octokit/auth-app';
import type { Sandbox } from '../../src/sandbox/index.js';
import { githubAppSettings } from '../../src/sandbox/github/index.js';
import { startTrustedSandbox } from './helpers.js';

const settings = githubAppSettings();
const installationPath = `/github/app/installations/${settings.GITHUB_APP_INSTALLATION_ID}/access_tokens`;
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

// The sandbox clock runs `offsetMs` away from this process's clock.
let offsetMs = 0;
let sandbox: Sandbox;
before(async () => {
  sandbox = await startTrustedSandbox({ clock: () => Date.now() + offsetMs });
});
after(() => sandbox.close());
beforeEach(() => {
  offsetMs = 0;
  sandbox.reset();
  // Each test counts the installation tokens it gets; a reset keeps those issued before (clients cache them).
  const world = sandbox.world().github;
  world.tokens = world.tokens.filter((t) => t.kind !== 'installation');
});

function jwt(claims: Record<string, unknown>, privateKey: string = settings.GITHUB_APP_PRIVATE_KEY, alg = 'RS256'): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${part({ alg, typ: 'JWT' })}.${part(claims)}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url')}`;
}

async function requestToken(token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(sandbox.url + installationPath, { method: 'POST', headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json' } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const issuedTokens = (): number => sandbox.world().github.tokens.filter((t) => t.kind === 'installation').length;

test('a well-formed JWT gets a 201 installation token with permissions and repository selection', async () => {
  const reply = await requestToken(jwt({ iat: nowSeconds() - 30, exp: nowSeconds() + 570, iss: settings.GITHUB_APP_ID }));
  assert.equal(reply.status, 201);
  assert.match(String(reply.body.token), /^ghs_/);
  assert.equal(reply.body.repository_selection, 'all');
  assert.deepEqual(reply.body.permissions, sandbox.world().github.app.installations[0]!.permissions);
  // The client id is accepted as issuer too.
  const byClientId = await requestToken(jwt({ iat: nowSeconds() - 30, exp: nowSeconds() + 570, iss: sandbox.world().github.app.clientId }));
  assert.equal(byClientId.status, 201);
  assert.equal(issuedTokens(), 2);
});

test('bad signature, wrong algorithm, expired, too long, wrong issuer and a missing JWT are 401 and issue nothing', async () => {
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const good = { iat: nowSeconds() - 30, exp: nowSeconds() + 570, iss: settings.GITHUB_APP_ID };
  const cases: [string, string, string][] = [
    ['bad signature', jwt(good, otherKey), 'A JSON web token could not be decoded'],
    ['not RS256', jwt(good, settings.GITHUB_APP_PRIVATE_KEY, 'RS512'), 'A JSON web token could not be decoded'],
    ['garbage', 'not.a.jwt', 'A JSON web token could not be decoded'],
    ['expired', jwt({ ...good, iat: nowSeconds() - 700, exp: nowSeconds() - 100 }), "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"],
    ['exp > iat + 600', jwt({ ...good, exp: good.iat + 601 }), "'Expiration time' claim ('exp') is too far in the future"],
    ['iat in the future', jwt({ ...good, iat: nowSeconds() + 300, exp: nowSeconds() + 800 }), "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"],
    ['unknown app', jwt({ ...good, iss: 999 }), 'Integration not found'],
    ['non-numeric issuer', jwt({ ...good, iss: 'someone' }), "'Issuer' claim ('iss') must be an Integer"],
  ];
  for (const [name, token, message] of cases) {
    const reply = await requestToken(token);
    assert.equal(reply.status, 401, name);
    assert.deepEqual(reply.body, { message, documentation_url: 'https://docs.github.com/rest', status: '401' }, name);
  }
  const none = await fetch(sandbox.url + installationPath, { method: 'POST' });
  assert.equal(none.status, 401);
  assert.equal(issuedTokens(), 0);
  // An app JWT does not authenticate repository calls.
  const repo = await fetch(`${sandbox.url}/github/repos/contoso/payments-api`, { headers: { authorization: `Bearer ${jwt(good)}` } });
  assert.equal(repo.status, 401);
});

test('an unknown installation is 404', async () => {
  const res = await fetch(`${sandbox.url}/github/app/installations/1/access_tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${jwt({ iat: nowSeconds() - 30, exp: nowSeconds() + 570, iss: settings.GITHUB_APP_ID })}` },
  });
  assert.equal(res.status, 404);
});

test('clock skew: with the sandbox 5 minutes behind, @octokit/auth-app corrects its JWT from the Date header', async () => {
  offsetMs = -5 * 60_000;
  const octokit = new Octokit({
    baseUrl: sandbox.appSettings.GITHUB_API_URL,
    log: quiet,
    authStrategy: createAppAuth,
    auth: { appId: settings.GITHUB_APP_ID, privateKey: settings.GITHUB_APP_PRIVATE_KEY, installationId: Number(settings.GITHUB_APP_INSTALLATION_ID) },
  });
  const repo = await octokit.rest.repos.get({ owner: 'contoso', repo: 'payments-api' });
  assert.equal(repo.status, 200);
  const tokenCalls = sandbox.calls({ service: 'github' }).filter((c) => c.path.endsWith('/access_tokens'));
  assert.deepEqual(tokenCalls.map((c) => c.status), [401, 201]);
  // The installation token expires an hour after the sandbox's (not this process's) clock.
  const issued = sandbox.world().github.tokens.find((t) => t.kind === 'installation');
  assert.ok(issued?.kind === 'installation');
  assert.ok(Math.abs(Date.parse(issued.expiresAt) - (Date.now() + offsetMs + 3600_000)) < 2000);
});

test('a reset keeps the installation tokens already issued valid (a client caches its token), and drops expired ones', async () => {
  const octokit = new Octokit({
    baseUrl: sandbox.appSettings.GITHUB_API_URL,
    log: quiet,
    authStrategy: createAppAuth,
    auth: { appId: settings.GITHUB_APP_ID, privateKey: settings.GITHUB_APP_PRIVATE_KEY, installationId: Number(settings.GITHUB_APP_INSTALLATION_ID) },
  });
  await octokit.rest.repos.get({ owner: 'contoso', repo: 'payments-api' });
  const issued = sandbox.world().github.tokens.filter((t) => t.kind === 'installation');
  assert.equal(issued.length, 1);
  sandbox.world().github.repos.find((r) => r.name === 'infra')!.archived = true;

  assert.equal((await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' })).status, 204);
  assert.equal(sandbox.world().github.repos.find((r) => r.name === 'infra')!.archived, false, 'the seed world is back');
  assert.deepEqual(sandbox.world().github.tokens.filter((t) => t.kind === 'installation'), issued);
  // The client goes on with its cached token: no new token request, and the API accepts it.
  const repo = await octokit.rest.repos.get({ owner: 'contoso', repo: 'infra' });
  assert.equal(repo.status, 200);
  assert.equal(sandbox.calls({ service: 'github' }).filter((c) => c.path.endsWith('/access_tokens')).length, 0);

  offsetMs = 3601_000; // the token has expired by the sandbox's clock
  sandbox.reset();
  assert.equal(issuedTokens(), 0);
});
