// The Azure DevOps emulators (dev, vssps, extmgmt, auditservice) through plain fetch with a managed-identity token
// from the real @azure/identity credential, as the app's Azure DevOps client calls them.

import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedIdentityCredential } from '@azure/identity';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startTrustedSandbox, useSandboxIdentity } from './helpers.js';

const AUDIENCE = '499b84ac-1321-427f-aa17-267ca6975798';
const PROJECT_ID = '9a000000-0000-4000-8000-000000000001';
const REPO_ID = '7e000000-0000-4000-8000-000000000001';
const LEGACY_ID = '7e000000-0000-4000-8000-000000000002';
const APP_IDENTITY_ID = '1d000000-0000-4000-8000-0000000000f7';

let offsetMs = 0;
let sandbox: Sandbox;
let token: string;
before(async () => {
  sandbox = await startTrustedSandbox({ clock: () => Date.now() + offsetMs });
  useSandboxIdentity(sandbox);
  token = (await new ManagedIdentityCredential().getToken(`${AUDIENCE}/.default`)).token;
});
after(() => sandbox.close());
beforeEach(() => {
  offsetMs = 0;
  sandbox.reset();
});

const org = () => sandbox.world().azdo.organizations[0]!;
const dev = (path: string): string => `${sandbox.appSettings.AZDO_BASE_URL}/contoso${path}`;
const vssps = (path: string): string => `${sandbox.appSettings.AZDO_VSSPS_URL}/contoso${path}`;
const extmgmt = (path: string): string => `${sandbox.appSettings.AZDO_EXTMGMT_URL}/contoso${path}`;
const audit = (path: string): string => `${sandbox.appSettings.AZDO_AUDIT_URL}/contoso${path}`;

/** One item of an Azure DevOps list reply, with the fields these tests read across the APIs. */
interface AdoItem {
  id: string | number;
  name: string;
  deletedBy: { uniqueName: string };
  isLocked?: boolean;
  authorizationId: string;
  subjectDescriptor: string;
  principalName: string;
  descriptor: string;
  domain: string;
  memberDescriptor: string;
  publisherName: string;
  extensionId: string;
}

interface AuditEntry {
  actionId: string;
  actorUPN: string;
  ipAddress: string;
}

/** An Azure DevOps reply as these tests read it: a resource, a list page, an audit page or an error. */
interface AdoReply {
  $id: string;
  typeKey: string;
  typeName: string;
  message: string;
  id: string;
  name: string;
  mailAddress: string;
  project: { id: string };
  isDisabled: boolean;
  isEnabled: boolean;
  isLocked: boolean;
  isLockedBy: { id: string };
  revision: number;
  type: { displayName: string };
  count: number;
  value: AdoItem[];
  continuationToken: string | null;
  decoratedAuditLogEntries: AuditEntry[];
  hasMore: boolean;
}

async function ado<T = AdoReply>(
  method: string,
  url: string,
  body?: unknown,
  bearer: string | null = token,
): Promise<{ status: number; headers: Headers; json: T }> {
  const res = await fetch(url, {
    method,
    headers: { ...(bearer !== null && { authorization: `Bearer ${bearer}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: (text ? JSON.parse(text) : undefined) as T };
}

/** Asserts Azure DevOps' error body: every member present, with this typeKey and message. */
function assertAdoError(reply: { status: number; json: AdoReply }, status: number, typeKey: string, message: RegExp): void {
  assert.equal(reply.status, status);
  assert.deepEqual(Object.keys(reply.json).sort(), ['$id', 'errorCode', 'eventId', 'innerException', 'message', 'typeKey', 'typeName']);
  assert.equal(reply.json.typeKey, typeKey);
  assert.match(reply.json.typeName, new RegExp(`\\.${typeKey}, `));
  assert.match(reply.json.message, message);
}

test('recycle bin: list, restore (the repository moves back), a second restore is 404 and changes nothing', async () => {
  const listed = await ado('GET', dev('/Payments/_apis/git/recycleBin/repositories?api-version=7.1'));
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.json.value.map((r) => [r.id, r.name, r.deletedBy.uniqueName]), [[LEGACY_ID, 'legacy-billing', 'mallory@contoso.com']]);

  const restored = await ado('PATCH', dev(`/Payments/_apis/git/recycleBin/repositories/${LEGACY_ID}?api-version=7.1`), { deleted: false });
  assert.equal(restored.status, 200);
  assert.equal(restored.json.name, 'legacy-billing');
  assert.equal(restored.json.project.id, PROJECT_ID);
  assert.deepEqual(org().recycleBin, []);
  assert.deepEqual(org().repositories.map((r) => r.name), ['payments-api', 'legacy-billing']);
  assert.equal(org().auditLog.at(-1)?.actionId, 'Git.RepositoryUndeleted');

  const again = await ado('PATCH', dev(`/Payments/_apis/git/recycleBin/repositories/${LEGACY_ID}?api-version=7.1`), { deleted: false });
  assertAdoError(again, 404, 'GitRepositoryNotFoundException', /^TF401019: The Git repository with name or identifier 7e000000-0000-4000-8000-000000000002 does not exist/);
  const wrongBody = await ado('PATCH', dev(`/Payments/_apis/git/recycleBin/repositories/${LEGACY_ID}?api-version=7.1`), { deleted: true });
  assert.equal(wrongBody.status, 400);
  assert.equal(org().repositories.length, 2);
});

test('repository disable and branch lock change the world; bad bodies are 400 and change nothing', async () => {
  const disabled = await ado('PATCH', dev(`/Payments/_apis/git/repositories/${REPO_ID}?api-version=7.1`), { isDisabled: true });
  assert.equal(disabled.status, 200);
  assert.equal(disabled.json.isDisabled, true);
  assert.equal(org().repositories[0]!.isDisabled, true);
  const invalid = await ado('PATCH', dev(`/Payments/_apis/git/repositories/${REPO_ID}?api-version=7.1`), { isDisabled: 'yes', name: '' });
  assertAdoError(invalid, 400, 'InvalidArgumentValueException', /invalid values for: isDisabled, name\./);
  assert.equal(org().repositories[0]!.name, 'payments-api');

  const locked = await ado('PATCH', dev(`/Payments/_apis/git/repositories/${REPO_ID}/refs?filter=heads/main&api-version=7.1`), { isLocked: true });
  assert.equal(locked.status, 200);
  assert.equal(locked.json.name, 'refs/heads/main');
  assert.equal(locked.json.isLocked, true);
  assert.equal(locked.json.isLockedBy.id, APP_IDENTITY_ID);
  const main = org().repositories[0]!.refs.find((r) => r.name === 'refs/heads/main')!;
  assert.deepEqual([main.isLocked, main.isLockedById], [true, APP_IDENTITY_ID]);
  const refs = await ado('GET', dev(`/Payments/_apis/git/repositories/payments-api/refs?filter=heads/&api-version=7.1`));
  assert.deepEqual(refs.json.value.map((r) => [r.name, r.isLocked ?? false]), [['refs/heads/main', true], ['refs/heads/release/2026.11', false]]);
  const noRef = await ado('PATCH', dev(`/Payments/_apis/git/repositories/${REPO_ID}/refs?filter=heads/nope&api-version=7.1`), { isLocked: true });
  assert.equal(noRef.status, 404);
  const noRepo = await ado('GET', dev('/Payments/_apis/git/repositories/ghost?api-version=7.1'));
  assertAdoError(noRepo, 404, 'GitRepositoryNotFoundException', /^TF401019/);
});

test('policy configuration: GET then PUT the whole object re-enables it (revision + 1); a partial PUT is 400', async () => {
  const url = dev('/Payments/_apis/policy/configurations/12?api-version=7.1');
  const partial = await ado('PUT', url, { isEnabled: true });
  assertAdoError(partial, 400, 'InvalidPolicyConfigurationException', /Missing or invalid: isBlocking, type\.id, settings\./);
  const noScope = await ado('PUT', url, { isEnabled: true, isBlocking: true, type: { id: 'fa4e907d-c16b-4a4c-9dfa-4906e5d171dd' }, settings: { minimumApproverCount: 2 } });
  assertAdoError(noScope, 400, 'InvalidPolicyConfigurationException', /settings\.scope, settings\.creatorVoteCounts/);
  assert.deepEqual([org().policyConfigurations[0]!.isEnabled, org().policyConfigurations[0]!.revision], [false, 3]);

  const current = await ado('GET', url);
  assert.equal(current.json.type.displayName, 'Minimum number of reviewers');
  const updated = await ado('PUT', url, { ...current.json, isEnabled: true });
  assert.equal(updated.status, 200);
  assert.deepEqual([updated.json.isEnabled, updated.json.revision], [true, 4]);
  const stored = org().policyConfigurations.find((p) => p.id === 12)!;
  assert.deepEqual([stored.isEnabled, stored.revision, stored.settings['minimumApproverCount']], [true, 4, 2]);

  const byType = await ado('GET', dev('/Payments/_apis/policy/configurations?policyType=fa4e907d-c16b-4a4c-9dfa-4906e5d171dd&api-version=7.1'));
  assert.deepEqual(byType.json.value.map((p) => p.id), [12]);
  const paged = await ado('GET', dev('/Payments/_apis/policy/configurations?$top=1&api-version=7.1'));
  assert.equal(paged.headers.get('x-ms-continuationtoken'), '12');
  const next = await ado('GET', dev('/Payments/_apis/policy/configurations?$top=1&continuationToken=12&api-version=7.1'));
  assert.deepEqual(next.json.value.map((p) => p.id), [13]);
  assert.equal((await ado('GET', dev('/Payments/_apis/policy/configurations/99?api-version=7.1'))).status, 404);
});

test("PATs: UPN → subject descriptor → the user's PATs (paged) → revocation (204, recorded once)", async () => {
  const identities = await ado('GET', vssps('/_apis/identities?searchFilter=General&filterValue=alice@contoso.com&queryMembership=None&api-version=7.1'));
  assert.equal(identities.json.count, 1);
  const descriptor: string = identities.json.value[0].subjectDescriptor;
  assert.match(descriptor, /^aad\./);

  const first = await ado('GET', vssps(`/_apis/tokenadmin/personalaccesstokens/${descriptor}?pageSize=1&api-version=7.1`));
  assert.equal(first.json.value.length, 1);
  assert.ok(first.json.continuationToken);
  const second = await ado('GET', vssps(`/_apis/tokenadmin/personalaccesstokens/${descriptor}?pageSize=1&continuationToken=${first.json.continuationToken}&api-version=7.1-preview.1`));
  const ids = [...first.json.value, ...second.json.value].map((p) => p.authorizationId);
  assert.deepEqual(ids, ['0a000000-0000-4000-8000-00000000000a', '0b000000-0000-4000-8000-00000000000b']);
  assert.equal(second.json.continuationToken, null);

  const revoke = await ado('POST', vssps('/_apis/tokenadmin/revocations?api-version=7.1'), ids.map((authorizationId) => ({ authorizationId })));
  assert.equal(revoke.status, 204);
  assert.deepEqual(org().revocations.map((r) => r.authorizationId), ids);
  assert.deepEqual(org().pats.map((p) => p.isValid), [false, false, true]);
  const after = await ado('GET', vssps(`/_apis/tokenadmin/personalaccesstokens/${descriptor}?api-version=7.1`));
  assert.deepEqual(after.json.value, []);
  await ado('POST', vssps('/_apis/tokenadmin/revocations?api-version=7.1'), ids.map((authorizationId) => ({ authorizationId })));
  assert.equal(org().revocations.length, 2);

  const bad = await ado('POST', vssps('/_apis/tokenadmin/revocations?api-version=7.1'), [{ authorizationId: 'x' }]);
  assertAdoError(bad, 400, 'InvalidArgumentValueException', /\[0\]\.authorizationId must be a GUID/);
  const nobody = await ado('GET', vssps('/_apis/identities?searchFilter=General&filterValue=nobody@contoso.com&api-version=7.1'));
  assert.deepEqual(nobody.json, { count: 0, value: [] });

  // Only Project Collection Administrators may administer tokens.
  const collectionAdmins = org().groups.find((g) => g.displayName === 'Project Collection Administrators')!;
  collectionAdmins.members = collectionAdmins.members.filter((m) => !m.startsWith('aadsp.'));
  const denied = await ado('POST', vssps('/_apis/tokenadmin/revocations?api-version=7.1'), [{ authorizationId: '0d000000-0000-4000-8000-00000000000d' }]);
  assertAdoError(denied, 401, 'UnauthorizedRequestException', /^TF400813: The user 'f7000000-0000-4000-8000-000000000007' is not authorized/);
  assert.equal(org().pats[2]!.isValid, true);
});

test('project administrators through Graph: project → scope descriptor → groups → memberships → users', async () => {
  const project = await ado('GET', dev('/_apis/projects/Payments?api-version=7.1'));
  assert.equal(project.json.id, PROJECT_ID);
  const scope = await ado<{ value: string }>('GET', vssps(`/_apis/graph/descriptors/${project.json.id}?api-version=7.1-preview.1`));
  const groups = await ado('GET', vssps(`/_apis/graph/groups?scopeDescriptor=${scope.json.value}&api-version=7.1-preview.1`));
  const admins = groups.json.value.find((g) => g.principalName === '[Payments]\\Project Administrators');
  assert.ok(admins);
  const members = await ado('GET', vssps(`/_apis/graph/memberships/${admins.descriptor}?direction=down&api-version=7.1-preview.1`));
  const users = await Promise.all(
    members.json.value.map((m) => ado('GET', vssps(`/_apis/graph/users/${m.memberDescriptor}?api-version=7.1-preview.1`))),
  );
  assert.deepEqual(users.map((u) => u.json.mailAddress), ['carol@contoso.com']);

  const notPreview = await ado('GET', vssps('/_apis/graph/groups?api-version=7.1'));
  assertAdoError(notPreview, 400, 'VssInvalidPreviewVersionException', /is under preview\. The -preview flag must be supplied/);
  assert.equal((await ado('GET', vssps('/_apis/graph/users/aad.nobody?api-version=7.1-preview.1'))).status, 404);
});

test('organization administrators through Graph: all groups (no scope) → the collection group → memberships → users', async () => {
  const groups = await ado('GET', vssps('/_apis/graph/groups?api-version=7.1-preview.1'));
  assert.deepEqual(groups.json.value.map((g) => g.principalName), [
    '[Payments]\\Project Administrators',
    '[Payments]\\Contributors',
    '[contoso]\\Project Collection Administrators',
  ]);
  const admins = groups.json.value.find((g) => g.principalName === '[contoso]\\Project Collection Administrators');
  assert.ok(admins);
  assert.equal(admins.domain, `vstfs:///Framework/IdentityDomain/${org().id}`);
  const members = await ado('GET', vssps(`/_apis/graph/memberships/${admins.descriptor}?direction=down&api-version=7.1-preview.1`));
  const users = members.json.value.filter((m) => m.memberDescriptor.startsWith('aad.'));
  const erin = await ado('GET', vssps(`/_apis/graph/users/${users[0].memberDescriptor}?api-version=7.1-preview.1`));
  assert.deepEqual([users.length, erin.json.mailAddress], [1, 'erin@contoso.com']);
});

test('extensions: list, uninstall by name (recorded with the reason), a second uninstall is 404', async () => {
  const listed = await ado('GET', extmgmt('/_apis/extensionmanagement/installedextensions?api-version=7.1-preview.1'));
  assert.deepEqual(listed.json.value.map((e) => `${e.publisherName}.${e.extensionId}`), [
    'ms-devlabs.workitem-feature-timeline-extension',
    'evilcorp.crypto-helper',
  ]);
  const path = '/_apis/extensionmanagement/installedextensionsbyname/evilcorp/crypto-helper?reason=Denied%20by%20SOC&reasonCode=Other&api-version=7.1-preview.1';
  assert.equal((await ado('DELETE', extmgmt(path))).status, 200);
  assert.deepEqual(org().extensions.map((e) => e.extensionId), ['workitem-feature-timeline-extension']);
  assert.deepEqual(
    org().uninstalledExtensions.map(({ publisherName, extensionName, reason, reasonCode }) => ({ publisherName, extensionName, reason, reasonCode })),
    [{ publisherName: 'evilcorp', extensionName: 'crypto-helper', reason: 'Denied by SOC', reasonCode: 'Other' }],
  );
  assertAdoError(await ado('DELETE', extmgmt(path)), 404, 'InstalledExtensionNotFoundException', /evilcorp\.crypto-helper is not installed/);
  assert.equal(org().uninstalledExtensions.length, 1);
});

test('audit log: newest first, time range, batches with a continuation token', async () => {
  const range = 'startTime=2026-11-26T00:00:00Z&endTime=2026-11-27T00:00:00Z';
  const first = await ado('GET', audit(`/_apis/audit/auditlog?${range}&batchSize=3&api-version=7.1-preview.1`));
  assert.deepEqual(first.json.decoratedAuditLogEntries.map((e) => e.actionId), ['Extension.Installed', 'Git.RepositoryDeleted', 'Policy.PolicyConfigModified']);
  assert.equal(first.json.hasMore, true);
  const second = await ado('GET', audit(`/_apis/audit/auditlog?${range}&batchSize=3&continuationToken=${encodeURIComponent(first.json.continuationToken ?? '')}&api-version=7.1-preview.1`));
  assert.deepEqual(second.json.decoratedAuditLogEntries.map((e) => [e.actionId, e.actorUPN, e.ipAddress]), [['Token.PatCreateEvent', 'alice@contoso.com', '203.0.113.50']]);
  assert.equal(second.json.hasMore, false);
  const later = await ado('GET', audit('/_apis/audit/auditlog?startTime=2026-11-26T22:15:00Z&endTime=2026-11-27T00:00:00Z&api-version=7.1-preview.1'));
  assert.deepEqual(later.json.decoratedAuditLogEntries.map((e) => e.actionId), ['Extension.Installed']);
  assert.equal((await ado('GET', audit('/_apis/audit/auditlog?startTime=yesterday&api-version=7.1-preview.1'))).status, 400);
});

test('errors: api-version required, bearer token checked (missing, other audience, expired), unknown org and project', async () => {
  const url = dev('/Payments/_apis/git/repositories');
  assertAdoError(await ado('GET', url), 400, 'VssVersionNotSpecifiedException', /^No api-version was supplied for the "GET" request/);
  assertAdoError(await ado('GET', `${url}?api-version=9.0`), 400, 'VssVersionOutOfRangeException', /out of range/);
  const viaAccept = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json; api-version=7.1' } });
  assert.equal(viaAccept.status, 200);

  assertAdoError(await ado('GET', `${url}?api-version=7.1`, undefined, null), 401, 'UnauthorizedRequestException', /^TF400813/);
  assertAdoError(await ado('GET', `${url}?api-version=7.1`, undefined, sandbox.token('https://management.azure.com')), 401, 'UnauthorizedRequestException', /^TF400813/);
  offsetMs = 2 * 3600_000;
  assert.equal((await ado('GET', `${url}?api-version=7.1`)).status, 401);
  offsetMs = 0;

  assert.equal((await ado('GET', `${sandbox.appSettings.AZDO_BASE_URL}/fabrikam/Payments/_apis/git/repositories?api-version=7.1`)).status, 404);
  assertAdoError(await ado('GET', dev('/Nope/_apis/git/repositories?api-version=7.1')), 404, 'ProjectDoesNotExistWithNameException', /^TF200016: The following project does not exist: Nope\./);
  const unknownRoute = await ado('GET', dev('/_apis/nothing?api-version=7.1'));
  assert.equal(unknownRoute.status, 404);
  assert.equal(unknownRoute.json.$id, '1');
});

test('throttling: past the budget, 429 TF400733 with Retry-After and X-RateLimit headers; injected 429s use the same shape', async () => {
  sandbox.world().azdo.rateLimit = { limit: 2, windowSeconds: 60 };
  const url = dev('/Payments/_apis/git/repositories?api-version=7.1');
  assert.equal((await ado('GET', url)).status, 200);
  assert.equal((await ado('GET', url)).status, 200);
  const blocked = await ado('GET', url);
  assertAdoError(blocked, 429, 'RequestBlockedException', /^TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource 'Core'/);
  assert.ok(Number(blocked.headers.get('retry-after')) > 0);
  for (const name of ['x-ratelimit-resource', 'x-ratelimit-delay', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
    assert.ok(blocked.headers.get(name) !== null, name);
  }
  assert.equal(blocked.headers.get('x-ratelimit-remaining'), '0');
  offsetMs = 61_000;
  assert.equal((await ado('GET', url)).status, 200);

  sandbox.world().azdo.rateLimit = { limit: 10000, windowSeconds: 300 };
  sandbox.faults.add({ service: 'azdo', pathPattern: 'tokenadmin', status: 429, retryAfterSeconds: 0, count: 1 });
  const faulted = await ado('POST', vssps('/_apis/tokenadmin/revocations?api-version=7.1'), [{ authorizationId: '0a000000-0000-4000-8000-00000000000a' }]);
  assertAdoError(faulted, 429, 'RequestBlockedException', /^TF400733/);
  assert.equal(faulted.headers.get('retry-after'), '0');
  assert.deepEqual(org().revocations, []);
});
