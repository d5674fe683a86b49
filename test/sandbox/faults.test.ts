import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedIdentityCredential } from '@azure/identity';
import { SecurityInsights } from '@azure/arm-securityinsight';
import { AUDIENCES, type FaultRule, type Sandbox } from '../../src/sandbox/index.js';
import { call, startTrustedSandbox, SUB, useSandboxIdentity, WORKSPACE_PATH, type AzureErrorReply } from './helpers.js';

/** POST /_sandbox/faults with invalid rules: the error names each invalid field. */
interface InvalidFaultRuleReply {
  error: { code: string; message: string; details: { path: string; message: string }[] };
}

/** GitHub's error body. */
interface GitHubErrorReply {
  message: string;
  documentation_url: string;
}

/** Azure DevOps' error body, with the field this file reads. */
interface AzdoErrorReply {
  typeKey: string;
}

const INCIDENT = `/arm${WORKSPACE_PATH}/incidents/inc-repo-deleted-github?api-version=2025-09-01`;
let sandbox: Sandbox;
let armToken: string;

before(async () => {
  sandbox = await startTrustedSandbox();
  useSandboxIdentity(sandbox);
});
beforeEach(() => {
  sandbox.reset();
  armToken = sandbox.token(AUDIENCES.arm);
});
after(() => sandbox.close());

const addFaults = <T = FaultRule[]>(rules: unknown) => call<T>(sandbox, 'POST', '/_sandbox/faults', { body: rules });

test('faults: 429 with Retry-After for a count, in the service error shape; the real SDK waits and succeeds', async () => {
  const added = await addFaults({ service: 'sentinel', method: 'GET', pathPattern: '/incidents/inc-repo-deleted-github$', status: 429, retryAfterSeconds: 1, count: 1 });
  assert.equal(added.status, 201);
  assert.equal(added.json[0].hits, 0);
  const client = new SecurityInsights(new ManagedIdentityCredential(), SUB, {
    endpoint: sandbox.appSettings.ARM_ENDPOINT,
    credentialScopes: ['https://management.azure.com/.default'],
    apiVersion: '2025-09-01',
  });
  const started = Date.now();
  const incident = await client.incidents.get('soc-rg', 'soc-workspace', 'inc-repo-deleted-github');
  assert.equal(incident.name, 'inc-repo-deleted-github');
  assert.ok(Date.now() - started >= 950, 'the SDK honoured Retry-After: 1');
  const calls = sandbox.calls({ service: 'sentinel' }).map((c) => [c.status, c.fault]);
  assert.deepEqual(calls, [[429, 'status'], [200, undefined]]);

  await addFaults({ pathPattern: '^/arm/', status: 503, retryAfterSeconds: 0, count: 2 });
  const first = await call<AzureErrorReply>(sandbox, 'GET', INCIDENT, { token: armToken });
  assert.equal(first.status, 503);
  assert.equal(first.headers.get('retry-after'), '0');
  assert.equal(first.json.error.code, 'ServiceUnavailable');
  assert.equal((await call(sandbox, 'GET', INCIDENT, { token: armToken })).status, 503);
  assert.equal((await call(sandbox, 'GET', INCIDENT, { token: armToken })).status, 200);
});

test('faults: a faulted write changes nothing', async () => {
  const before = structuredClone(sandbox.world().sentinel);
  await addFaults({ service: 'sentinel', method: 'PUT', pathPattern: '/incidents/', status: 500 });
  const body = { properties: { title: 'changed', severity: 'Low', status: 'Active' } };
  const res = await call<AzureErrorReply>(sandbox, 'PUT', INCIDENT, { token: armToken, body });
  assert.equal(res.status, 500);
  assert.equal(res.json.error.code, 'InternalServerError');
  assert.deepEqual(sandbox.world().sentinel, before);
  // GETs are not matched by a PUT rule.
  assert.equal((await call(sandbox, 'GET', INCIDENT, { token: armToken })).status, 200);
});

test('faults: a rate with a seed picks the same requests on every run', async () => {
  const run = async () => {
    sandbox.faults.clear();
    sandbox.faults.add({ service: 'sentinel', pathPattern: '/incidents', status: 503, rate: 0.4, seed: 42 });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await call(sandbox, 'GET', INCIDENT, { token: armToken })).status);
    return statuses;
  };
  const first = await run();
  const second = await run();
  assert.deepEqual(first, second);
  const faulted = first.filter((s) => s === 503).length;
  assert.ok(faulted > 2 && faulted < 16, `about 40% faulted, got ${faulted}/20`);
  assert.ok(first.every((s) => s === 503 || s === 200));
});

test('faults: reset destroys the connection; latency delays and then serves', async () => {
  sandbox.faults.add({ service: 'graph', pathPattern: '/users/', reset: true, count: 1 });
  const graphToken = sandbox.token(AUDIENCES.graph);
  await assert.rejects(call(sandbox, 'GET', '/graph/v1.0/users/alice@contoso.com', { token: graphToken }), TypeError);
  assert.deepEqual(sandbox.calls({ service: 'graph' }).map((c) => [c.status, c.fault]), [[0, 'reset']]);
  assert.equal((await call(sandbox, 'GET', '/graph/v1.0/users/alice@contoso.com', { token: graphToken })).status, 200);

  sandbox.faults.add({ service: 'graph', pathPattern: '/users/', latencyMs: 300, count: 1 });
  const started = Date.now();
  const slow = await call(sandbox, 'GET', '/graph/v1.0/users/alice@contoso.com', { token: graphToken });
  assert.equal(slow.status, 200);
  assert.ok(Date.now() - started >= 290);
  assert.equal(sandbox.calls({ service: 'graph' }).at(-1)?.fault, 'latency');
});

test("faults: GitHub secondary-limit faults use GitHub's wording; a plain 403 is a permission error", async () => {
  sandbox.faults.add({ service: 'github', pathPattern: '^/github/repos/', status: 403, secondaryRateLimit: true, retryAfterSeconds: 1, count: 1 });
  const res = await call<GitHubErrorReply>(sandbox, 'GET', '/github/repos/contoso/payments-api');
  assert.equal(res.status, 403);
  assert.equal(res.headers.get('retry-after'), '1');
  assert.match(res.json.message, /^You have exceeded a secondary rate limit/);
  assert.ok(res.json.documentation_url);
  sandbox.faults.add({ service: 'github', pathPattern: '^/github/repos/', status: 429, count: 1 });
  assert.match((await call<GitHubErrorReply>(sandbox, 'GET', '/github/repos/contoso/payments-api')).json.message, /secondary rate limit/);
  sandbox.faults.add({ service: 'github', pathPattern: '^/github/repos/', status: 403, count: 1 });
  const denied = await call<GitHubErrorReply>(sandbox, 'GET', '/github/repos/contoso/payments-api');
  assert.equal(denied.status, 403);
  assert.equal(denied.json.message, 'Resource not accessible by integration');
});

test('faults: invalid rules are 400 naming each field, nothing is added; DELETE clears', async () => {
  const bad = await addFaults<InvalidFaultRuleReply>([{ pathPattern: '(', status: 429 }, { pathPattern: '.', status: 200 }, { pathPattern: '.', rate: 2, status: 503 }, { pathPattern: '.' }]);
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'InvalidFaultRule');
  const paths = bad.json.error.details.map((d: { path: string }) => d.path);
  assert.deepEqual(paths, ['[0].pathPattern', '[1].status', '[2].rate', '[3]']);
  assert.deepEqual((await call<FaultRule[]>(sandbox, 'GET', '/_sandbox/faults')).json, []);
  assert.equal((await addFaults({ pathPattern: '.', status: 503, unknownField: 1 })).status, 400);
  await addFaults({ pathPattern: '^/arm/', status: 503 });
  assert.equal((await call(sandbox, 'GET', INCIDENT, { token: armToken })).status, 503);
  assert.equal((await call(sandbox, 'DELETE', '/_sandbox/faults')).status, 204);
  assert.equal((await call(sandbox, 'GET', INCIDENT, { token: armToken })).status, 200);
});

test('faults: a 409 answers Conflict in each service error shape, as the real services do', async () => {
  await addFaults([
    { service: 'sentinel', method: 'PUT', pathPattern: '/incidents/', status: 409, count: 1 },
    { service: 'azdo', pathPattern: '^/azdo/dev/', status: 409, count: 1 },
  ]);
  const body = { properties: { title: 'changed', severity: 'Low', status: 'Active' } };
  const arm = await call<AzureErrorReply>(sandbox, 'PUT', INCIDENT, { token: armToken, body });
  assert.equal(arm.status, 409);
  assert.equal(arm.json.error.code, 'Conflict');
  const azdo = await call<AzdoErrorReply>(sandbox, 'GET', '/azdo/dev/contoso/_apis/projects?api-version=7.1', { token: sandbox.token(AUDIENCES.azdo) });
  assert.equal(azdo.status, 409);
  assert.equal(azdo.json.typeKey, 'Conflict');
});
