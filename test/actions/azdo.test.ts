import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { azdo } from '../../src/actions/index.js';
import { RemoteApiError } from '../../src/clients/errors.js';
import type { World } from '../../src/sandbox/index.js';
import { describeActionCases, rejection, startActionHarness } from './harness.js';

const h = await startActionHarness();
after(() => h.close());

const org = (world: World) => world.azdo.organizations.find((o) => o.name === 'contoso')!;
const PAYMENTS_API = '7e000000-0000-4000-8000-000000000001';
const PROJECT_ID = '9a000000-0000-4000-8000-000000000001';
const LEGACY_BILLING = '7e000000-0000-4000-8000-000000000002';
const ALICE_PATS = ['0a000000-0000-4000-8000-00000000000a', '0b000000-0000-4000-8000-00000000000b'];
const repository = (world: World, id: string) => org(world).repositories.find((r) => r.id === id);

describeActionCases(h, [
  {
    action: azdo.restoreRepository,
    input: { project: 'Payments', repository: 'legacy-billing' },
    fault: { service: 'azdo', method: 'PATCH', path: /\/_apis\/git\/recycleBin\/repositories\/[^/]+$/ },
    verify(output, world) {
      assert.equal((output as { repositoryId: string }).repositoryId, LEGACY_BILLING);
      assert.equal(repository(world, LEGACY_BILLING)?.name, 'legacy-billing');
      assert.equal(org(world).recycleBin.length, 0);
    },
    snapshot: (world) => [org(world).repositories.map((r) => r.id), org(world).recycleBin.map((r) => r.id)],
  },
  {
    action: azdo.disableRepository,
    input: { project: 'Payments', repository: 'payments-api' },
    fault: { service: 'azdo', method: 'PATCH', path: new RegExp(`/_apis/git/repositories/${PAYMENTS_API}$`) },
    verify(output, world) {
      assert.deepEqual((output as { repositoryId: string }).repositoryId, PAYMENTS_API);
      assert.equal(repository(world, PAYMENTS_API)?.isDisabled, true);
    },
    snapshot: (world) => org(world).repositories.map((r) => [r.id, r.isDisabled]),
  },
  {
    action: azdo.lockBranch,
    input: { project: 'Payments', repository: 'payments-api', branch: 'main' },
    fault: { service: 'azdo', method: 'PATCH', path: /\/refs$/ },
    verify(output, world) {
      assert.equal((output as { ref: string }).ref, 'refs/heads/main');
      const refs = repository(world, PAYMENTS_API)!.refs;
      assert.equal(refs.find((r) => r.name === 'refs/heads/main')?.isLocked, true);
      assert.equal(refs.find((r) => r.name === 'refs/heads/release/2026.11')?.isLocked, false);
    },
    snapshot: (world) => repository(world, PAYMENTS_API)!.refs.map((r) => [r.name, r.isLocked, r.isLockedById]),
  },
  {
    action: azdo.enablePolicy,
    input: { project: 'Payments', policyId: 12 },
    fault: { service: 'azdo', method: 'PUT', path: /\/_apis\/policy\/configurations\/12$/ },
    verify(_output, world) {
      const policy = org(world).policyConfigurations.find((p) => p.id === 12)!;
      assert.equal(policy.isEnabled, true);
      assert.equal(policy.revision, 4);
      assert.equal(policy.settings['minimumApproverCount'] !== undefined, true, 'settings were kept');
    },
    snapshot: (world) => org(world).policyConfigurations,
  },
  {
    action: azdo.revokeUserPats,
    input: { user: 'alice@contoso.com' },
    fault: { service: 'azdo', method: 'POST', path: /\/_apis\/tokenadmin\/revocations$/ },
    verify(_output, world) {
      const revoked = org(world).revocations.map((r) => r.authorizationId);
      assert.deepEqual([...new Set(revoked)].sort(), ALICE_PATS);
      for (const id of ALICE_PATS) assert.equal(org(world).pats.find((p) => p.authorizationId === id)?.isValid, false);
      assert.ok(org(world).pats.some((p) => !ALICE_PATS.includes(p.authorizationId) && p.isValid), "other users' PATs stay valid");
    },
    snapshot: (world) => [org(world).revocations.map((r) => r.authorizationId), org(world).pats.map((p) => [p.authorizationId, p.isValid])],
  },
  {
    action: azdo.uninstallExtension,
    input: { extensionId: 'evilcorp.crypto-helper', reason: 'On the deny list' },
    fault: { service: 'azdo', method: 'DELETE', path: /\/installedextensionsbyname\/evilcorp\/crypto-helper$/ },
    verify(_output, world) {
      assert.deepEqual(org(world).extensions.map((e) => `${e.publisherName}.${e.extensionId}`), ['ms-devlabs.workitem-feature-timeline-extension']);
      assert.equal(org(world).uninstalledExtensions.length, 1);
    },
    snapshot: (world) => [org(world).extensions.length, org(world).uninstalledExtensions.length],
  },
  {
    action: azdo.getProjectAdministrators,
    input: { project: 'Payments' },
    fault: { service: 'azdo', method: 'GET', path: /\/_apis\/graph\/memberships\/[^/]+$/ },
    verify(output) {
      assert.deepEqual((output as { emails: string[] }).emails, ['carol@contoso.com']);
    },
    snapshot: (world) => org(world).groups,
  },
  {
    action: azdo.getOrganizationAdministrators,
    input: {},
    fault: { service: 'azdo', method: 'GET', path: /\/_apis\/graph\/memberships\/[^/]+$/ },
    verify(output) {
      // The collection's administrators: erin; the app's own service principal is a member too, with no mailbox.
      assert.deepEqual(output, {
        administrators: [{ displayName: 'Erin', principalName: 'erin@contoso.com', mailAddress: 'erin@contoso.com' }],
        emails: ['erin@contoso.com'],
      });
    },
    snapshot: (world) => org(world).groups,
  },
  {
    action: azdo.queryAuditLog,
    input: { startTime: '2026-11-26T00:00:00Z', actionIds: ['Git.RepositoryDeleted'] },
    fault: { service: 'azdo', method: 'GET', path: /\/_apis\/audit\/auditlog$/ },
    verify(output) {
      const { entries } = output as { entries: Array<{ actionId: string; actorUPN: string }> };
      assert.deepEqual(entries.map((e) => [e.actionId, e.actorUPN]), [['Git.RepositoryDeleted', 'mallory@contoso.com']]);
    },
    snapshot: (world) => org(world).auditLog,
  },
]);

describe('azdo', () => {
  beforeEach(() => h.sandbox.reset());

  test('getOrganizationAdministrators reads the collection group, not a project group of the same name, and may find no address', async () => {
    const world = h.sandbox.world();
    const groups = org(world).groups;
    const collection = groups.find((g) => g.displayName === 'Project Collection Administrators')!;
    const carol = groups.find((g) => g.displayName === 'Project Administrators')!.members[0]!;
    // A project group named like the collection group (its members must not count), listed first.
    groups.unshift({ ...collection, descriptor: 'vssgp.UHJvamVjdENvbGxlY3Rpb25BZG1pbnNJblBheW1lbnRz', originId: '6a000000-0000-4000-8000-0000000000ff', projectId: PROJECT_ID, members: [carol] });
    collection.members = collection.members.filter((m) => !m.startsWith('aad.'));
    assert.deepEqual(await h.run(azdo.getOrganizationAdministrators, {}), { administrators: [], emails: [] });
  });

  test('restoreRepository by id works too, and an unknown repository is a clear 404', async () => {
    await h.run(azdo.restoreRepository, { project: 'Payments', repository: LEGACY_BILLING });
    assert.ok(repository(h.sandbox.world(), LEGACY_BILLING));
    const error = await rejection(h.run(azdo.restoreRepository, { project: 'Payments', repository: 'never-existed' }));
    assert.ok(error instanceof RemoteApiError, error.message);
    assert.deepEqual([error.api, error.status], ['AzureDevOps', 404]);
    assert.ok(error.remoteCode, 'the Azure DevOps typeKey is the remote code');
  });

  test('enablePolicy on an enabled policy changes nothing', async () => {
    const output = await h.run(azdo.enablePolicy, { project: 'Payments', policyId: 13 });
    assert.deepEqual(output, { policyId: 13, revision: 1, isEnabled: true, changed: false });
    assert.equal(h.sandbox.calls().filter((c) => c.method === 'PUT').length, 0);
  });

  test('revokeUserPats for an unknown user names the user and revokes nothing', async () => {
    const error = await rejection(h.run(azdo.revokeUserPats, { user: 'nobody@contoso.com' }));
    assert.equal(error.name, 'ValidationError');
    assert.match(error.message, /nobody@contoso\.com/);
    assert.equal(org(h.sandbox.world()).revocations.length, 0);
  });

  test('uninstalling an extension that is not installed succeeds with uninstalled false', async () => {
    const output = await h.run(azdo.uninstallExtension, { extensionId: 'nobody.nothing' });
    assert.deepEqual(output, { extensionId: 'nobody.nothing', uninstalled: false });
  });

  test('extension ids must be publisher.extension', async () => {
    const error = await rejection(h.run(azdo.uninstallExtension, { extensionId: '../../_apis/projects' }));
    assert.equal(error.name, 'ValidationError');
    assert.equal(h.sandbox.calls().length, 0);
  });
});
