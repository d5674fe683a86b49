import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { parseCodeOwners } from '../../src/actions/github/getRepositoryOwners.js';
import { github } from '../../src/actions/index.js';
import { RemoteApiError, ValidationError } from '../../src/clients/errors.js';
import type { World } from '../../src/sandbox/index.js';
import { describeActionCases, rejection, startActionHarness } from './harness.js';

const h = await startActionHarness();
after(() => h.close());

const repo = (world: World, name: string) => world.github.repos.find((r) => r.owner === 'contoso' && r.name === name)!;
const main = (world: World, name: string) => repo(world, name).branches.find((b) => b.name === 'main')!;

describeActionCases(h, [
  {
    action: github.getRepository,
    input: { owner: 'contoso', repo: 'payments-api' },
    fault: { service: 'github', method: 'GET', path: /\/repos\/contoso\/payments-api$/ },
    verify(output) {
      assert.deepEqual(output, { visibility: 'public', defaultBranch: 'main', archived: false });
    },
    snapshot: (world) => repo(world, 'payments-api'),
  },
  {
    action: github.getBranchProtection,
    input: { owner: 'contoso', repo: 'payments-api', branch: 'main' },
    fault: { service: 'github', method: 'GET', path: /\/repos\/contoso\/payments-api\/branches\/main\/protection$/ },
    verify(output) {
      // The seed protection requires one review but neither dismisses stale reviews nor binds admins.
      assert.deepEqual(output, { protected: true, meetsBaseline: false, requiredApprovingReviewCount: 1 });
    },
    snapshot: (world) => main(world, 'payments-api'),
  },
  {
    action: github.getOrganizationOwners,
    input: { org: 'contoso' },
    fault: { service: 'github', method: 'GET', path: /\/orgs\/contoso\/members$/ },
    verify(output) {
      assert.deepEqual(output, { owners: [{ login: 'erin-gh', email: 'erin@contoso.com' }], emails: ['erin@contoso.com'] });
    },
    snapshot: (world) => world.github.orgs,
  },
  {
    action: github.getRepositoryOwners,
    input: { owner: 'contoso', repo: 'payments-api' },
    fault: { service: 'github', method: 'GET', path: /\/repos\/contoso\/payments-api\/collaborators$/ },
    verify(output) {
      const { owners, emails } = output as { owners: Array<{ login: string; email: string; sources: string[] }>; emails: string[] };
      const byLogin = Object.fromEntries(owners.map((o) => [o.login, o]));
      assert.deepEqual(byLogin['alice-gh']?.sources, ['admin', 'team:contoso/platform-team']);
      assert.deepEqual(byLogin['carol-gh']?.sources, ['team:contoso/platform-team']);
      assert.deepEqual(byLogin['dave-gh']?.sources, ['codeowners']);
      assert.deepEqual([...emails].sort(), ['alice@contoso.com', 'carol@contoso.com', 'dave@contoso.com']);
    },
    snapshot: (world) => repo(world, 'payments-api'),
  },
  {
    action: github.archiveRepository,
    input: { owner: 'contoso', repo: 'infra' },
    fault: { service: 'github', method: 'PATCH', path: /\/repos\/contoso\/infra$/ },
    verify(output, world) {
      assert.equal((output as { archived: boolean }).archived, true);
      assert.equal(repo(world, 'infra').archived, true);
    },
    snapshot: (world) => repo(world, 'infra').archived,
  },
  {
    action: github.unarchiveRepository,
    input: { owner: 'contoso', repo: 'infra' },
    arrange: (world) => {
      repo(world, 'infra').archived = true;
    },
    fault: { service: 'github', method: 'PATCH', path: /\/repos\/contoso\/infra$/ },
    verify(output, world) {
      assert.equal((output as { archived: boolean }).archived, false);
      assert.equal(repo(world, 'infra').archived, false);
    },
    snapshot: (world) => repo(world, 'infra').archived,
  },
  {
    action: github.setRepositoryVisibility,
    input: { owner: 'contoso', repo: 'payments-api', visibility: 'private' },
    fault: { service: 'github', method: 'PATCH', path: /\/repos\/contoso\/payments-api$/ },
    verify(_output, world) {
      assert.equal(repo(world, 'payments-api').visibility, 'private');
    },
    snapshot: (world) => repo(world, 'payments-api').visibility,
  },
  {
    action: github.lockBranch,
    input: { owner: 'contoso', repo: 'payments-api', branch: 'main' },
    fault: { service: 'github', method: 'PUT', path: /\/branches\/main\/protection$/ },
    verify(_output, world) {
      const protection = main(world, 'payments-api').protection!;
      assert.equal(protection.lockBranch, true);
      // The existing protection (one required review) is kept.
      assert.equal(protection.requiredPullRequestReviews?.requiredApprovingReviewCount, 1);
    },
    snapshot: (world) => main(world, 'payments-api').protection,
  },
  {
    action: github.protectBranch,
    input: { owner: 'contoso', repo: 'infra', branch: 'main', requiredApprovingReviewCount: 2 },
    fault: { service: 'github', method: 'PUT', path: /\/repos\/contoso\/infra\/branches\/main\/protection$/ },
    verify(output, world) {
      const { branch, requiredApprovingReviewCount } = output as { branch: string; requiredApprovingReviewCount: number };
      assert.deepEqual([branch, requiredApprovingReviewCount], ['main', 2]);
      const protection = main(world, 'infra').protection!;
      assert.deepEqual(protection.requiredPullRequestReviews, {
        dismissStaleReviews: true,
        requireCodeOwnerReviews: false,
        requiredApprovingReviewCount: 2,
        requireLastPushApproval: false,
      });
      assert.equal(protection.enforceAdmins, true);
      assert.equal(protection.allowForcePushes, false);
      assert.equal(protection.allowDeletions, false);
      assert.equal(protection.lockBranch, false);
    },
    snapshot: (world) => main(world, 'infra').protection,
  },
  {
    action: github.applyRuleset,
    input: { owner: 'contoso', repo: 'infra' },
    fault: { service: 'github', method: 'POST', path: /\/repos\/contoso\/infra\/rulesets$/ },
    verify(output, world) {
      const rulesets = repo(world, 'infra').rulesets;
      assert.equal(rulesets.length, 1);
      assert.equal(rulesets[0]!.id, (output as { rulesetId: number }).rulesetId);
      assert.equal(rulesets[0]!.name, 'soar-lockdown');
      assert.equal(rulesets[0]!.enforcement, 'active');
      assert.deepEqual(rulesets[0]!.rules.map((r) => r.type), ['update', 'deletion', 'non_fast_forward']);
      assert.deepEqual(rulesets[0]!.conditions?.refName.include, ['~DEFAULT_BRANCH']);
    },
    snapshot: (world) => repo(world, 'infra').rulesets.map((r) => r.id),
  },
  {
    action: github.revokeCredentials,
    input: { owner: 'contoso', repo: 'payments-api', alertNumbers: [1] },
    fault: { service: 'github', method: 'POST', path: /\/credentials\/revoke$/ },
    verify(output, world) {
      const alert = repo(world, 'payments-api').secretScanningAlerts[0]!;
      assert.deepEqual(output, { revoked: 1, alertNumbers: [1] });
      assert.ok(world.github.revokedCredentials.some((r) => r.credential === alert.secret));
      assert.equal(alert.validity, 'inactive');
      assert.ok(!world.github.tokens.some((t) => t.token === alert.secret), 'the token no longer authenticates');
    },
    snapshot: (world) => [...new Set(world.github.revokedCredentials.map((r) => r.credential))],
  },
  {
    action: github.resolveSecretScanningAlert,
    input: { owner: 'contoso', repo: 'payments-api', alertNumber: 1, resolution: 'revoked', comment: 'Revoked by SOAR' },
    fault: { service: 'github', method: 'PATCH', path: /\/secret-scanning\/alerts\/1$/ },
    verify(_output, world) {
      const alert = repo(world, 'payments-api').secretScanningAlerts[0]!;
      assert.deepEqual([alert.state, alert.resolution, alert.resolutionComment], ['resolved', 'revoked', 'Revoked by SOAR']);
    },
    snapshot: (world) => {
      const { state, resolution, resolutionComment, resolvedAt } = repo(world, 'payments-api').secretScanningAlerts[0]!;
      return { state, resolution, resolutionComment, resolvedAt };
    },
  },
  {
    action: github.removeCollaborator,
    input: { owner: 'contoso', repo: 'payments-api', username: 'mallory-gh' },
    fault: { service: 'github', method: 'DELETE', path: /\/collaborators\/mallory-gh$/ },
    verify(_output, world) {
      const logins = repo(world, 'payments-api').collaborators.map((c) => c.login);
      assert.deepEqual(logins, ['alice-gh', 'dave-gh']);
    },
    snapshot: (world) => repo(world, 'payments-api').collaborators,
  },
]);

describe('github', () => {
  beforeEach(() => h.sandbox.reset());

  test('lockBranch on an unprotected branch creates a lock-only protection', async () => {
    await h.run(github.lockBranch, { owner: 'contoso', repo: 'infra', branch: 'main' });
    const protection = main(h.sandbox.world(), 'infra').protection!;
    assert.equal(protection.lockBranch, true);
    assert.equal(protection.requiredPullRequestReviews, null);
  });

  test('lockBranch on a missing branch is a 404, not an empty protection', async () => {
    const error = await rejection(h.run(github.lockBranch, { owner: 'contoso', repo: 'infra', branch: 'nope' }));
    assert.ok(error instanceof RemoteApiError);
    assert.deepEqual([error.api, error.status], ['GitHub', 404]);
    assert.match(error.message, /^GitHub API 404: Branch not found/);
  });

  test('protectBranch keeps what the protection still has and raises the rest to the baseline', async () => {
    const before = main(h.sandbox.world(), 'payments-api').protection!;
    Object.assign(before, { requiredStatusChecks: { strict: true, contexts: ['ci/build'] }, allowForcePushes: true, lockBranch: true });
    before.requiredPullRequestReviews!.dismissStaleReviews = false;
    const output = await h.run(github.protectBranch, { owner: 'contoso', repo: 'payments-api', branch: 'main' });
    assert.deepEqual(output, { branch: 'main', requiredApprovingReviewCount: 1, changed: true });
    assert.deepEqual(main(h.sandbox.world(), 'payments-api').protection, {
      requiredStatusChecks: { strict: true, contexts: ['ci/build'] },
      enforceAdmins: true,
      requiredPullRequestReviews: { dismissStaleReviews: true, requireCodeOwnerReviews: true, requiredApprovingReviewCount: 1, requireLastPushApproval: false },
      restrictions: null,
      requiredLinearHistory: false,
      allowForcePushes: false,
      allowDeletions: false,
      blockCreations: false,
      requiredConversationResolution: false,
      lockBranch: true,
      allowForkSyncing: false,
    });
  });

  test('protectBranch keeps a higher approval count, and writes nothing when the baseline already holds', async () => {
    const protection = main(h.sandbox.world(), 'payments-api').protection!;
    protection.enforceAdmins = true;
    protection.requiredPullRequestReviews!.requiredApprovingReviewCount = 3;
    const before = structuredClone(protection);
    const output = await h.run(github.protectBranch, { owner: 'contoso', repo: 'payments-api', branch: 'main', requiredApprovingReviewCount: 2 });
    assert.deepEqual(output, { branch: 'main', requiredApprovingReviewCount: 3, changed: false });
    assert.deepEqual(main(h.sandbox.world(), 'payments-api').protection, before);
    assert.equal(h.sandbox.calls({ service: 'github' }).filter((c) => c.method === 'PUT').length, 0);
  });

  test('protectBranch on a missing branch is a 404 and protects nothing; an approval count over 6 is refused before any call', async () => {
    const error = await rejection(h.run(github.protectBranch, { owner: 'contoso', repo: 'infra', branch: 'nope' }));
    assert.ok(error instanceof RemoteApiError);
    assert.deepEqual([error.api, error.status], ['GitHub', 404]);
    assert.equal(h.sandbox.calls({ service: 'github' }).filter((c) => c.method === 'PUT').length, 0);

    const invalid = await rejection(h.run(github.protectBranch, { owner: 'contoso', repo: 'infra', branch: 'main', requiredApprovingReviewCount: 7 }));
    assert.ok(invalid instanceof ValidationError);
    assert.deepEqual(invalid.issues.map((i) => i.path), ['requiredApprovingReviewCount']);
    assert.equal(main(h.sandbox.world(), 'infra').protection, null);
  });

  test('an archived repository refuses other changes with a 403 that is not retried', async () => {
    repo(h.sandbox.world(), 'infra').archived = true;
    const error = await rejection(h.run(github.applyRuleset, { owner: 'contoso', repo: 'infra' }));
    assert.ok(error instanceof RemoteApiError);
    assert.equal(error.status, 403);
    assert.equal(error.retryable, false);
    assert.match(error.message, /archived/);
    assert.equal(h.sandbox.calls({ service: 'github' }).filter((c) => c.method === 'POST' && c.path.includes('/rulesets')).length, 1);
  });

  test('the revoked secret appears in no output, log line or calls entry', async () => {
    const secret = repo(h.sandbox.world(), 'payments-api').secretScanningAlerts[0]!.secret;
    const output = await h.run(github.revokeCredentials, { owner: 'contoso', repo: 'payments-api', alertNumbers: [1] });
    assert.ok(!JSON.stringify(output).includes(secret));
    assert.ok(!h.logs.join('\n').includes(secret));
    assert.ok(!JSON.stringify(h.sandbox.calls()).includes(secret));
  });

  test('a secondary rate limit is waited out for its Retry-After, then the call succeeds', async () => {
    h.sandbox.faults.add({
      service: 'github',
      method: 'PATCH',
      pathPattern: '/repos/contoso/infra$',
      status: 403,
      secondaryRateLimit: true,
      retryAfterSeconds: 1,
      count: 1,
    });
    const started = Date.now();
    await h.run(github.archiveRepository, { owner: 'contoso', repo: 'infra' });
    assert.ok(Date.now() - started >= 1000, 'waited the Retry-After second');
    assert.equal(repo(h.sandbox.world(), 'infra').archived, true);
  });

  test('parseCodeOwners finds users, teams and e-mail owners, ignoring comments', () => {
    const owners = parseCodeOwners('# owners\n* @contoso/platform-team @dave-gh\n/docs/ docs@contoso.com @dave-gh # docs\n\n');
    assert.deepEqual(owners, { users: ['dave-gh'], teams: [{ org: 'contoso', slug: 'platform-team' }], emails: ['docs@contoso.com'] });
  });
});
