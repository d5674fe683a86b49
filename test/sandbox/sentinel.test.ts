import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedIdentityCredential } from '@azure/identity';
import { SecurityInsights, type Incident } from '@azure/arm-securityinsight';
import type { Sandbox } from '../../src/sandbox/index.js';
import type { SentinelIncident } from '../../src/sandbox/world.js';
import type { ArmIncident } from '../../src/incident/index.js';
import { call, startTrustedSandbox, SUB, useSandboxIdentity, WORKSPACE_PATH, type AzureErrorReply } from './helpers.js';

type IncidentTask = SentinelIncident['tasks'][number];

/** The incident's alerts on the wire: custom details are a JSON string in additionalData. */
interface AlertListReply {
  value: { properties: { additionalData: { 'Custom Details': string } } }[];
}

/** The custom details this file reads, once parsed. */
interface CustomDetails {
  AlertNumber: string[];
  Platform: string[];
}

const RG = 'soc-rg';
const WS = 'soc-workspace';
let sandbox: Sandbox;
let client: SecurityInsights;

before(async () => {
  sandbox = await startTrustedSandbox();
  useSandboxIdentity(sandbox);
  client = new SecurityInsights(new ManagedIdentityCredential(), SUB, {
    endpoint: sandbox.appSettings.ARM_ENDPOINT,
    credentialScopes: ['https://management.azure.com/.default'],
    apiVersion: '2025-09-01',
    retryOptions: { maxRetries: 0 },
  });
});
beforeEach(() => sandbox.reset());
after(() => sandbox.close());

const seeded = (name: string) => sandbox.world().sentinel.incidents.find((i) => i.name === name);

async function rejectsWith(promise: Promise<unknown>, status: number, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    const e = err as { name: string; statusCode?: number; code?: string; message: string };
    assert.equal(e.name, 'RestError', String(err));
    assert.equal(e.statusCode, status);
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });
}

test('sentinel: get returns the seeded incident with etag, owner, labels and counts', async () => {
  const incident = await client.incidents.get(RG, WS, 'inc-secret-committed-github');
  assert.equal(incident.title, 'GitHub - Secret committed to contoso/payments-api');
  assert.equal(incident.severity, 'High');
  assert.equal(incident.incidentNumber, 103);
  assert.equal(incident.etag, seeded('inc-secret-committed-github')?.etag);
  assert.equal(incident.additionalData?.alertsCount, 1);
  assert.equal(incident.id, `${WORKSPACE_PATH}/incidents/inc-secret-committed-github`);
  await rejectsWith(client.incidents.get(RG, WS, 'inc-missing'), 404, 'NotFound', /inc-missing/);
  await rejectsWith(client.incidents.get(RG, 'other-workspace', 'inc-secret-committed-github'), 404, 'ResourceNotFound');
});

test('sentinel: list honours $filter, $orderby, $top and follows nextLink', async () => {
  const all: Incident[] = [];
  for await (const page of client.incidents.list(RG, WS, { top: 5, orderby: 'properties/incidentNumber desc' }).byPage()) {
    assert.ok(page.length <= 5);
    all.push(...page);
  }
  assert.equal(all.length, sandbox.world().sentinel.incidents.length);
  assert.deepEqual(all.slice(0, 2).map((i) => i.incidentNumber), [112, 111]);

  const high: Incident[] = [];
  for await (const i of client.incidents.list(RG, WS, { filter: "properties/severity eq 'High' and properties/incidentNumber ge 103" })) high.push(i);
  assert.deepEqual(high.map((i) => i.name).sort(), ['inc-secret-committed-azdo', 'inc-secret-committed-github']);

  const recent = await call<{ value: ArmIncident[] }>(sandbox, 'GET', `/arm${WORKSPACE_PATH}/incidents?api-version=2025-09-01&$filter=${encodeURIComponent('properties/createdTimeUtc gt 2099-01-01T00:00:00Z')}`, {
    token: sandbox.token('https://management.azure.com'),
  });
  assert.deepEqual(recent.json, { value: [] });
  const bad = await call<AzureErrorReply>(sandbox, 'GET', `/arm${WORKSPACE_PATH}/incidents?api-version=2025-09-01&$filter=${encodeURIComponent('title eq 1')}`, {
    token: sandbox.token('https://management.azure.com'),
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'BadRequest');
  const noVersion = await call<AzureErrorReply>(sandbox, 'GET', `/arm${WORKSPACE_PATH}/incidents`, { token: sandbox.token('https://management.azure.com') });
  assert.equal(noVersion.status, 400);
  assert.equal(noVersion.json.error.code, 'MissingApiVersionParameter');
});

test('sentinel: create-or-update with the current etag writes, bumps the etag and keeps read-only fields', async () => {
  const current = await client.incidents.get(RG, WS, 'inc-repo-deleted-github');
  const updated = await client.incidents.createOrUpdate(RG, WS, 'inc-repo-deleted-github', {
    etag: current.etag,
    title: current.title,
    severity: 'High',
    status: 'Active',
    owner: { objectId: 'e5000000-0000-4000-8000-000000000005' },
    labels: [{ labelName: 'soar' }, { labelName: 'github' }],
  });
  assert.notEqual(updated.etag, current.etag);
  assert.equal(updated.status, 'Active');
  assert.equal(updated.owner?.userPrincipalName, 'erin@contoso.com');
  assert.deepEqual(updated.labels?.map((l) => [l.labelName, l.labelType]), [['soar', 'User'], ['github', 'User']]);
  const stored = seeded('inc-repo-deleted-github');
  assert.equal(stored?.properties.severity, 'High');
  assert.equal(stored?.properties.incidentNumber, 101);
  assert.equal(stored?.etag, updated.etag);
  assert.equal(stored?.alerts.length, 1);
});

test('sentinel: a stale etag is 409 Conflict with the real message and changes nothing', async () => {
  const current = await client.incidents.get(RG, WS, 'inc-repo-deleted-azdo');
  const base = { title: current.title, severity: current.severity, status: 'Active' as const };
  await client.incidents.createOrUpdate(RG, WS, 'inc-repo-deleted-azdo', { ...base, etag: current.etag });
  const before = structuredClone(seeded('inc-repo-deleted-azdo'));
  await rejectsWith(
    client.incidents.createOrUpdate(RG, WS, 'inc-repo-deleted-azdo', { ...base, etag: current.etag, severity: 'Low' }),
    409,
    'Conflict',
    /Newer version of resource '.*\/incidents\/inc-repo-deleted-azdo' exists\. Data was not saved/,
  );
  assert.deepEqual(seeded('inc-repo-deleted-azdo'), before);
});

test('sentinel: closing needs a classification and a valid classification/reason pair', async () => {
  const current = await client.incidents.get(RG, WS, 'inc-new-country-github');
  const close = (extra: Partial<Incident>) =>
    client.incidents.createOrUpdate(RG, WS, 'inc-new-country-github', { etag: current.etag, title: current.title, severity: current.severity, status: 'Closed', ...extra });
  await rejectsWith(close({}), 400, 'BadRequest', /must have a classification/);
  await rejectsWith(close({ classification: 'BenignPositive' }), 400, 'BadRequest', /classification 'BenignPositive' must have classificationReason/);
  await rejectsWith(close({ classification: 'TruePositive', classificationReason: 'InaccurateData' }), 400, 'BadRequest', /not valid for classification 'TruePositive'/);
  await rejectsWith(close({ classification: 'Undetermined', classificationReason: 'SuspiciousActivity' }), 400, 'BadRequest', /must not have classificationReason/);
  assert.equal(seeded('inc-new-country-github')?.properties.status, 'New');
  const closed = await close({ classification: 'FalsePositive', classificationReason: 'InaccurateData', classificationComment: 'travel' });
  assert.equal(closed.status, 'Closed');
  assert.equal(seeded('inc-new-country-github')?.properties.classificationReason, 'InaccurateData');
});

test('sentinel: invalid bodies are 400 naming the path; a new incident is created with 201', async () => {
  const token = sandbox.token('https://management.azure.com');
  const url = `/arm${WORKSPACE_PATH}/incidents/inc-new?api-version=2025-09-01`;
  const bad = await call<AzureErrorReply>(sandbox, 'PUT', url, { token, body: { properties: { title: 'x', severity: 'Severe', status: 'New' } } });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /properties\.severity/);
  assert.equal(seeded('inc-new'), undefined);
  const created = await call<ArmIncident>(sandbox, 'PUT', url, { token, body: { properties: { title: 'Manual', severity: 'Low', status: 'New' } } });
  assert.equal(created.status, 201);
  assert.equal(created.json.properties.incidentNumber, 113);
  assert.equal(seeded('inc-new')?.properties.title, 'Manual');
});

test('sentinel: comments and tasks are created, updated and listed', async () => {
  const comment = await client.incidentComments.createOrUpdate(RG, WS, 'inc-secret-committed-github', 'c-1', { message: '<p>Token revoked</p>' });
  assert.equal(comment.message, '<p>Token revoked</p>');
  await client.incidentComments.createOrUpdate(RG, WS, 'inc-secret-committed-github', 'c-1', { message: '<p>Token revoked (edited)</p>' });
  const comments = [];
  for await (const c of client.incidentComments.list(RG, WS, 'inc-secret-committed-github')) comments.push(c);
  assert.deepEqual(comments.map((c) => c.message), ['<p>Token revoked (edited)</p>']);
  assert.equal((await client.incidents.get(RG, WS, 'inc-secret-committed-github')).additionalData?.commentsCount, 1);

  const token = sandbox.token('https://management.azure.com');
  const taskUrl = `/arm${WORKSPACE_PATH}/incidents/inc-secret-committed-github/tasks/t-1?api-version=2024-09-01`;
  const task = await call<IncidentTask>(sandbox, 'PUT', taskUrl, { token, body: { properties: { title: 'Rotate the token', description: 'ghp_ token' } } });
  assert.equal(task.status, 201);
  assert.equal(task.json.properties.status, 'New');
  assert.equal((await call(sandbox, 'PUT', taskUrl, { token, body: { properties: { title: 'Rotate the token', status: 'Completed' } } })).status, 200);
  const tasks = await call<{ value: IncidentTask[] }>(sandbox, 'GET', `/arm${WORKSPACE_PATH}/incidents/inc-secret-committed-github/tasks?api-version=2024-09-01`, { token });
  assert.deepEqual(tasks.json.value.map((t: { name: string; properties: { status: string } }) => [t.name, t.properties.status]), [['t-1', 'Completed']]);
  const noTitle = await call<AzureErrorReply>(sandbox, 'PUT', taskUrl, { token, body: { properties: { status: 'New' } } });
  assert.equal(noTitle.status, 400);
  assert.match(noTitle.json.error.message, /properties\.title/);
  await rejectsWith(client.incidentComments.createOrUpdate(RG, WS, 'inc-missing', 'c-1', { message: 'x' }), 404, 'NotFound');
});

test('sentinel: entities and alerts (with custom details) through the SDK', async () => {
  const entities = await client.incidents.listEntities(RG, WS, 'inc-secret-committed-github');
  assert.deepEqual(entities.metaData?.map((m) => [m.entityKind, m.count]), [['Account', 2], ['Url', 1]]);
  assert.ok(entities.entities?.some((e) => e.kind === 'Account'));
  const alerts = await client.incidents.listAlerts(RG, WS, 'inc-secret-committed-github');
  assert.equal(alerts.value?.[0]?.alertDisplayName, 'GitHub - Secret committed to contoso/payments-api');
  // On the wire, custom details are a JSON string, as Sentinel sends them. (The beta SDK's 'Object' mapper turns
  // string values of additionalData into character maps, so read them from the raw body.)
  const raw = await call<AlertListReply>(sandbox, 'POST', `/arm${WORKSPACE_PATH}/incidents/inc-secret-committed-github/alerts?api-version=2025-09-01`, {
    token: sandbox.token('https://management.azure.com'),
  });
  const details = JSON.parse(raw.json.value[0].properties.additionalData['Custom Details']) as CustomDetails;
  assert.deepEqual(details.AlertNumber, ['1']);
  assert.deepEqual(details.Platform, ['GitHub']);
  assert.equal(alerts.value?.[0]?.kind, 'SecurityAlert');
});
