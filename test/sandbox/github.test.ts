// The GitHub emulator through the real clients: Octokit (@octokit/rest) with @octokit/auth-app's installation-token
// flow, static PATs, and an unauthenticated client for credential revocation.

import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { Octokit } from '@octokit/rest';
import { createAppAuth } from '@octokit/auth-app';
import type { Sandbox } from '../../src/sandbox/index.js';
import { githubAppSettings } from '../../src/sandbox/github/index.js';
import { startTrustedSandbox } from './helpers.js';

const ERIN_PAT = 'ghp_ErinOrgOwner000000000000000000000001';
const MALLORY_PAT = 'ghp_MalloryOutside0000000000000000000001';
const LEAKED_PAT = 'ghp_DaveLeakedPat00000000000000000000001';
const repo = { owner: 'contoso', repo: 'payments-api' };

let sandbox: Sandbox;
before(async () => {
  sandbox = await startTrustedSandbox();
});
after(() => sandbox.close());
beforeEach(() => sandbox.reset());

const baseUrl = (): string => sandbox.appSettings.GITHUB_API_URL!;
const gh = () => sandbox.world().github;
const mainBranch = () => gh().repos.find((r) => r.name === 'payments-api')!.branches.find((b) => b.name === 'main')!;

/** An Octokit authenticated as the seeded GitHub App installation (tokens from POST …/access_tokens). */
function appClient(): Octokit {
  const settings = githubAppSettings();
  return new Octokit({
    baseUrl: baseUrl(),
    log: quiet,
    authStrategy: createAppAuth,
    auth: { appId: settings.GITHUB_APP_ID, privateKey: settings.GITHUB_APP_PRIVATE_KEY, installationId: Number(settings.GITHUB_APP_INSTALLATION_ID) },
  });
}

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const tokenClient = (token?: string): Octokit => new Octokit({ baseUrl: baseUrl(), log: quiet, ...(token && { auth: token }) });

/** A request outside Octokit's typings, to send what a buggy client would. */
const untyped = (octokit: Octokit, route: string, params: Record<string, unknown>) => octokit.request(route, params);

/** The RequestError an Octokit call rejects with: status and GitHub's error body. */
async function failure(promise: Promise<unknown>): Promise<{ status: number; data: Record<string, unknown>; headers: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status: number; response: { data: Record<string, unknown>; headers: Record<string, unknown> } };
    return { status: e.status, data: e.response.data, headers: e.response.headers };
  }
  throw new Error('expected the request to fail');
}

test('app auth: one installation token (ghs_, +1 h) serves many calls; every reply carries rate-limit headers', async () => {
  const octokit = appClient();
  const first = await octokit.rest.repos.get(repo);
  await octokit.rest.repos.getBranch({ ...repo, branch: 'main' });
  await octokit.rest.repos.get({ owner: 'contoso', repo: 'infra' });
  assert.equal(first.data.full_name, 'contoso/payments-api');
  assert.equal(first.data.visibility, 'public');
  for (const header of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-used', 'x-ratelimit-reset', 'x-ratelimit-resource']) {
    assert.ok(first.headers[header] !== undefined, header);
  }
  assert.equal(first.headers['x-ratelimit-limit'], '5000');
  const issued = gh().tokens.filter((t) => t.kind === 'installation');
  assert.equal(issued.length, 1);
  assert.match(issued[0]!.token, /^ghs_[A-Za-z0-9]{36}$/);
  assert.equal(sandbox.calls({ service: 'github' }).filter((c) => c.path.endsWith('/access_tokens')).length, 1);
  const expiresIn = Date.parse(issued[0]!.kind === 'installation' ? issued[0]!.expiresAt : '') - Date.now();
  assert.ok(expiresIn > 3590_000 && expiresIn <= 3600_000, `expires in ${expiresIn} ms`);
  assert.equal(gh().rateLimits.find((r) => r.caller === 'installation:57000001')?.used, 3);
});

test('archive: the repository becomes read-only until unarchived; visibility changes', async () => {
  const octokit = appClient();
  const archived = await octokit.rest.repos.update({ ...repo, archived: true });
  assert.equal(archived.data.archived, true);
  assert.equal(gh().repos.find((r) => r.name === 'payments-api')!.archived, true);

  const blocked = await failure(octokit.rest.repos.deleteBranchProtection({ ...repo, branch: 'main' }));
  assert.equal(blocked.status, 403);
  assert.equal(blocked.data.message, 'Repository was archived so is read-only.');
  assert.equal(blocked.data.status, '403');
  assert.equal(blocked.data.documentation_url, 'https://docs.github.com/rest');
  assert.notEqual(mainBranch().protection, null);

  await octokit.rest.repos.update({ ...repo, archived: false });
  const privateRepo = await octokit.rest.repos.update({ ...repo, visibility: 'private' });
  assert.equal(privateRepo.data.private, true);
  assert.deepEqual(
    (({ archived, visibility }) => ({ archived, visibility }))(gh().repos.find((r) => r.name === 'payments-api')!),
    { archived: false, visibility: 'private' },
  );

  const invalid = await failure(untyped(octokit, 'PATCH /repos/{owner}/{repo}', { ...repo, archived: 'yes' }));
  assert.equal(invalid.status, 422);
  assert.equal(invalid.data.message, `Invalid request.\n\nFor 'properties/archived', "yes" is not a boolean.`);
});

test('branch protection: GET then PUT with lock_branch keeps the rest; the four required keys must be present', async () => {
  const octokit = appClient();
  const current = (await octokit.rest.repos.getBranchProtection({ ...repo, branch: 'main' })).data;
  assert.equal(current.required_pull_request_reviews?.required_approving_review_count, 1);
  assert.deepEqual(current.lock_branch, { enabled: false });
  assert.equal(current.required_status_checks, undefined);

  const locked = await octokit.rest.repos.updateBranchProtection({
    ...repo,
    branch: 'main',
    required_status_checks: null,
    enforce_admins: current.enforce_admins?.enabled ?? null,
    required_pull_request_reviews: {
      dismiss_stale_reviews: current.required_pull_request_reviews?.dismiss_stale_reviews,
      require_code_owner_reviews: current.required_pull_request_reviews?.require_code_owner_reviews,
      required_approving_review_count: current.required_pull_request_reviews?.required_approving_review_count,
    },
    restrictions: null,
    lock_branch: true,
  });
  assert.deepEqual(locked.data.lock_branch, { enabled: true });
  assert.equal(mainBranch().protection?.lockBranch, true);
  assert.equal(mainBranch().protection?.requiredPullRequestReviews?.requiredApprovingReviewCount, 1);
  assert.equal(mainBranch().protection?.requiredPullRequestReviews?.requireCodeOwnerReviews, true);

  const partial = await failure(untyped(octokit, 'PUT /repos/{owner}/{repo}/branches/{branch}/protection', { ...repo, branch: 'main', lock_branch: false }));
  assert.equal(partial.status, 422);
  assert.equal(
    partial.data.message,
    'Invalid request.\n\n"required_status_checks" wasn\'t supplied.\n"enforce_admins" wasn\'t supplied.\n"required_pull_request_reviews" wasn\'t supplied.\n"restrictions" wasn\'t supplied.',
  );
  assert.equal(mainBranch().protection?.lockBranch, true);

  assert.equal((await octokit.rest.repos.deleteBranchProtection({ ...repo, branch: 'main' })).status, 204);
  assert.equal(mainBranch().protection, null);
  const gone = await failure(octokit.rest.repos.getBranchProtection({ ...repo, branch: 'main' }));
  assert.deepEqual([gone.status, gone.data.message], [404, 'Branch not protected']);
  const noBranch = await failure(octokit.rest.repos.getBranch({ ...repo, branch: 'nope' }));
  assert.deepEqual([noBranch.status, noBranch.data.message], [404, 'Branch not found']);
});

test('rulesets: create a lock ruleset, list it; names are unique', async () => {
  const octokit = appClient();
  const body = {
    ...repo,
    name: 'soar-lock',
    target: 'branch' as const,
    enforcement: 'active' as const,
    bypass_actors: [{ actor_id: 5, actor_type: 'RepositoryRole' as const, bypass_mode: 'always' as const }],
    conditions: { ref_name: { include: ['~DEFAULT_BRANCH'], exclude: [] } },
    rules: [{ type: 'update' as const }, { type: 'deletion' as const }, { type: 'non_fast_forward' as const }],
  };
  const created = await octokit.rest.repos.createRepoRuleset(body);
  assert.equal(created.status, 201);
  assert.equal(created.data.source, 'contoso/payments-api');
  assert.deepEqual(created.data.rules?.map((r) => r.type), ['update', 'deletion', 'non_fast_forward']);
  const listed = await octokit.rest.repos.getRepoRulesets(repo);
  assert.deepEqual(listed.data.map((r) => r.name), ['soar-lock']);
  assert.deepEqual(gh().repos.find((r) => r.name === 'payments-api')!.rulesets[0]!.conditions, { refName: { include: ['~DEFAULT_BRANCH'], exclude: [] } });

  const duplicate = await failure(octokit.rest.repos.createRepoRuleset(body));
  assert.equal(duplicate.status, 422);
  const badRule = await failure(untyped(octokit, 'POST /repos/{owner}/{repo}/rulesets', { ...repo, name: 'x', enforcement: 'active', rules: [{ type: 'freeze' }] }));
  assert.equal(badRule.status, 422);
  assert.match(String(badRule.data.message), /For 'properties\/rules\/0\/type', "freeze" is not a member of/);
  assert.equal(gh().repos.find((r) => r.name === 'payments-api')!.rulesets.length, 1);
});

test('owners: admins, outside collaborators, CODEOWNERS (base64 and raw), team members, public e-mails, org owners', async () => {
  const octokit = appClient();
  const admins = await octokit.rest.repos.listCollaborators({ ...repo, permission: 'admin', affiliation: 'all' });
  assert.deepEqual(admins.data.map((c) => [c.login, c.role_name]), [['alice-gh', 'admin']]);
  const pushers = await octokit.rest.repos.listCollaborators({ ...repo, permission: 'push' });
  assert.deepEqual(pushers.data.map((c) => c.login), ['alice-gh', 'dave-gh', 'mallory-gh']);
  const outside = await octokit.rest.repos.listCollaborators({ ...repo, affiliation: 'outside' });
  assert.deepEqual(outside.data.map((c) => c.login), ['mallory-gh']);
  const badFilter = await failure(untyped(octokit, 'GET /repos/{owner}/{repo}/collaborators', { ...repo, permission: 'owner' }));
  assert.equal(badFilter.status, 422);

  const file = await octokit.rest.repos.getContent({ ...repo, path: '.github/CODEOWNERS' });
  assert.ok(!Array.isArray(file.data) && file.data.type === 'file');
  const text = Buffer.from((file.data as { content: string }).content, 'base64').toString('utf8');
  assert.match(text, /^\* @contoso\/platform-team @dave-gh$/m);
  const raw = await untyped(octokit, 'GET /repos/{owner}/{repo}/contents/{path}', { ...repo, path: '.github/CODEOWNERS', mediaType: { format: 'raw' } });
  assert.equal(raw.data as unknown as string, text);
  const missing = await failure(octokit.rest.repos.getContent({ ...repo, path: 'docs/CODEOWNERS' }));
  assert.deepEqual([missing.status, missing.data.message], [404, 'Not Found']);
  // A plain client may send the path with real slashes.
  const plain = await fetch(`${baseUrl()}/repos/contoso/payments-api/contents/.github/CODEOWNERS`, { headers: { accept: 'application/vnd.github.raw+json' } });
  assert.equal(await plain.text(), text);

  const team = await octokit.rest.teams.listMembersInOrg({ org: 'contoso', team_slug: 'platform-team' });
  assert.deepEqual(team.data.map((m) => m.login), ['alice-gh', 'carol-gh']);
  const owners = await octokit.rest.orgs.listMembers({ org: 'contoso', role: 'admin' });
  assert.deepEqual(owners.data.map((m) => m.login), ['erin-gh']);
  assert.equal((await octokit.rest.users.getByUsername({ username: 'dave-gh' })).data.email, 'dave@contoso.com');
  assert.equal((await octokit.rest.users.getByUsername({ username: 'mallory-gh' })).data.email, null);

  assert.equal((await octokit.rest.repos.removeCollaborator({ ...repo, username: 'mallory-gh' })).status, 204);
  assert.deepEqual(gh().repos.find((r) => r.name === 'payments-api')!.collaborators.map((c) => c.login), ['alice-gh', 'dave-gh']);
});

test('secret scanning: resolve alert #1 as revoked (stored with comment and resolver); unchanged → 400; no resolution → 422', async () => {
  const octokit = appClient();
  const open = await octokit.rest.secretScanning.listAlertsForRepo({ ...repo, state: 'open' });
  assert.deepEqual(open.data.map((a) => [a.number, a.secret_type, a.secret]), [[1, 'github_personal_access_token', LEAKED_PAT]]);

  const missing = await failure(untyped(octokit, 'PATCH /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}', { ...repo, alert_number: 1, state: 'resolved' }));
  assert.equal(missing.status, 422);

  const resolved = await octokit.rest.secretScanning.updateAlert({ ...repo, alert_number: 1, state: 'resolved', resolution: 'revoked', resolution_comment: 'Revoked by SOAR' });
  assert.equal(resolved.data.state, 'resolved');
  assert.equal(resolved.data.resolved_by?.login, 'contoso-soar[bot]');
  const stored = gh().repos.find((r) => r.name === 'payments-api')!.secretScanningAlerts[0]!;
  assert.deepEqual([stored.state, stored.resolution, stored.resolutionComment, stored.resolvedBy], ['resolved', 'revoked', 'Revoked by SOAR', 'contoso-soar[bot]']);

  const again = await failure(octokit.rest.secretScanning.updateAlert({ ...repo, alert_number: 1, state: 'resolved', resolution: 'revoked' }));
  assert.equal(again.status, 400);
  assert.equal(stored.resolutionComment, 'Revoked by SOAR');
  const badResolution = await failure(untyped(octokit, 'PATCH /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}', { ...repo, alert_number: 1, state: 'resolved', resolution: 'fixed' }));
  assert.equal(badResolution.status, 422);
  assert.equal((await failure(octokit.rest.secretScanning.getAlert({ ...repo, alert_number: 9 }))).status, 404);
});

test('credentials/revoke: unauthenticated only; revoked tokens are recorded and stop working', async () => {
  const authenticated = await failure(tokenClient(ERIN_PAT).rest.credentials.revoke({ credentials: [LEAKED_PAT] }));
  assert.equal(authenticated.status, 403);
  assert.equal(authenticated.data.message, 'Any authenticated requests will return a 403');
  assert.deepEqual(gh().revokedCredentials, []);

  const dave = tokenClient(LEAKED_PAT);
  assert.equal((await dave.rest.repos.get(repo)).status, 200);
  const revoked = await tokenClient().rest.credentials.revoke({ credentials: [LEAKED_PAT, 'github_pat_11ABCDEFG0123456789_abcdef'] });
  assert.equal(revoked.status, 202);
  assert.deepEqual(gh().revokedCredentials.map((r) => r.credential), [LEAKED_PAT, 'github_pat_11ABCDEFG0123456789_abcdef']);
  const denied = await failure(dave.rest.repos.get(repo));
  assert.deepEqual([denied.status, denied.data.message], [401, 'Bad credentials']);
  assert.equal(gh().repos.find((r) => r.name === 'payments-api')!.secretScanningAlerts[0]!.validity, 'inactive');

  for (const credentials of [[], ['not-a-token'], [42]]) {
    const bad = await failure(untyped(tokenClient(), 'POST /credentials/revoke', { credentials }));
    assert.equal(bad.status, 422, JSON.stringify(credentials));
  }
  assert.equal(gh().revokedCredentials.length, 2);
});

test('authorisation: bad token 401, anonymous write 401, non-admin 403, narrowed installation token 403, private repo hidden', async () => {
  const bad = await failure(tokenClient('ghp_unknown').rest.repos.get(repo));
  assert.deepEqual(bad.data, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
  assert.ok(bad.headers['x-ratelimit-limit'] !== undefined);
  const unknown = await fetch(`${baseUrl()}/repos/contoso/payments-api/nothing-here`, { method: 'POST' });
  assert.equal(unknown.status, 404);
  assert.deepEqual(await unknown.json(), { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
  assert.equal(unknown.headers.get('x-ratelimit-resource'), 'core');
  const anonymous = await failure(tokenClient().rest.repos.update({ ...repo, archived: true }));
  assert.deepEqual([anonymous.status, anonymous.data.message], [401, 'Requires authentication']);
  const mallory = await failure(tokenClient(MALLORY_PAT).rest.repos.update({ ...repo, archived: true }));
  assert.deepEqual([mallory.status, mallory.data.message], [403, 'Must have admin rights to Repository.']);
  assert.equal((await failure(tokenClient(MALLORY_PAT).rest.repos.get({ owner: 'contoso', repo: 'infra' }))).status, 404);
  assert.equal(gh().repos.find((r) => r.name === 'payments-api')!.archived, false);
  // The org owner's PAT may do it.
  assert.equal((await tokenClient(ERIN_PAT).rest.repos.update({ owner: 'contoso', repo: 'infra', archived: true })).data.archived, true);

  const settings = githubAppSettings();
  const auth = createAppAuth({ appId: settings.GITHUB_APP_ID, privateKey: settings.GITHUB_APP_PRIVATE_KEY, request: tokenClient().request });
  const narrow = await auth({ type: 'installation', installationId: Number(settings.GITHUB_APP_INSTALLATION_ID), permissions: { metadata: 'read' }, refresh: true });
  assert.deepEqual(narrow.permissions, { metadata: 'read' });
  const denied = await failure(tokenClient(narrow.token).rest.repos.update({ ...repo, archived: true }));
  assert.deepEqual([denied.status, denied.data.message], [403, 'Resource not accessible by integration']);
  const wider = await failure(auth({ type: 'installation', installationId: Number(settings.GITHUB_APP_INSTALLATION_ID), permissions: { workflows: 'write' }, refresh: true }));
  assert.equal(wider.status, 422);
});

test('primary rate limit: a caller at its limit gets 403 with remaining 0', async () => {
  const now = Math.floor(Date.now() / 1000);
  gh().rateLimits.push({ caller: 'user:erin-gh', limit: 5000, used: 5000, resetAt: now + 600 });
  const limited = await failure(tokenClient(ERIN_PAT).rest.repos.get(repo));
  assert.equal(limited.status, 403);
  assert.equal(limited.data.message, 'API rate limit exceeded for user ID 5000005.');
  assert.equal(limited.headers['x-ratelimit-remaining'], '0');
  assert.equal(limited.headers['x-ratelimit-reset'], String(now + 600));
});
