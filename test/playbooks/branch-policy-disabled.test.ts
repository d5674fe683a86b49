import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { normaliseIncident } from '../../src/incident/normalise.js';
import { fixture, PlaybookHarness, type DeliveryReply, type IncidentFixture } from './harness.js';

let h: PlaybookHarness;
before(async () => {
  h = await PlaybookHarness.start();
});
after(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.reset();
});
afterEach(() => {
  delete process.env.PLAYBOOK_BRANCH_POLICY_DISABLED_LOCK_BRANCH;
  delete process.env.PLAYBOOK_BRANCH_POLICY_DISABLED_REQUIRED_APPROVING_REVIEW_COUNT;
});

const AZDO = 'inc-branch-policy-disabled-azdo';
const GITHUB = 'inc-branch-protection-removed-github';

function runOf(json: DeliveryReply): string {
  const run = json.runs.find((r) => r.playbook === 'branch-policy-disabled');
  assert.ok(run, `intake started no branch-policy-disabled run: ${JSON.stringify(json)}`);
  return run.instanceId;
}

/** Posts the incident and drives its run to the end. */
async function handle(body: IncidentFixture): Promise<{ runtimeStatus: string; output: unknown }> {
  const posted = await h.postIncident(body);
  assert.equal(posted.status, 202, JSON.stringify(posted.json));
  return h.settle(runOf(posted.json));
}

/** The fixture with its alert's custom details changed. */
function withDetails(name: string, edit: (details: Record<string, string[]>) => void): IncidentFixture {
  const body = fixture(name);
  const alert = body.object.properties.alerts[0].properties.additionalData;
  const details = JSON.parse(alert['Custom Details']) as Record<string, string[]>;
  edit(details);
  alert['Custom Details'] = JSON.stringify(details);
  return body;
}

function org() {
  return h.world().azdo.organizations[0]!;
}

function paymentsApi() {
  const repo = h.world().github.repos.find((r) => r.owner === 'contoso' && r.name === 'payments-api');
  assert.ok(repo);
  return repo;
}

function main() {
  const branch = paymentsApi().branches.find((b) => b.name === 'main');
  assert.ok(branch);
  return branch;
}

test('Azure DevOps: the policy is enabled again with its settings, the administrators are told (title escaped), the incident stays Active', async () => {
  const before = structuredClone(org().policyConfigurations.find((p) => p.id === 12)!);
  assert.equal(before.isEnabled, false);
  const body = fixture('branch-policy-disabled-azdo');
  body.object.properties.title = 'Policy <b>off</b> <script>x</script>';
  const status = await handle(body);
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));

  const policy = org().policyConfigurations.find((p) => p.id === 12)!;
  assert.equal(policy.isEnabled, true);
  assert.deepEqual(policy.settings, before.settings, 'the minimum-approvers settings are kept');
  assert.equal(policy.isBlocking, true);
  const main = org().repositories.find((r) => r.name === 'payments-api')!.refs.find((r) => r.name === 'refs/heads/main')!;
  assert.equal(main.isLocked, false, 'the branch is not locked by default');

  const mails = h.outbox();
  assert.deepEqual(mails.map((m) => m.to.map((t) => t.address)), [['carol@contoso.com']]);
  assert.ok(mails[0]!.html?.includes('Policy &lt;b&gt;off&lt;/b&gt; &lt;script&gt;x&lt;/script&gt;'), mails[0]!.html);
  assert.ok(!mails[0]!.html?.includes('<script>'));
  assert.match(mails[0]!.plainText ?? '', /Re-enabled policy configuration 12/);

  const incident = h.incident(AZDO);
  assert.equal(incident.properties.status, 'Active');
  assert.deepEqual(incident.properties.labels.map((l) => l.labelName), ['soar:branch-policy-disabled']);
  const comments = h.comments(AZDO);
  assert.equal(comments.length, 2, comments.join('\n'));
  assert.match(comments[1]!, /Re-enable branch policy \(azdo\.enablePolicy\)<\/td><td>Succeeded/);
});

test('Azure DevOps with PLAYBOOK_BRANCH_POLICY_DISABLED_LOCK_BRANCH=true: the branch is also locked until review', async () => {
  process.env.PLAYBOOK_BRANCH_POLICY_DISABLED_LOCK_BRANCH = 'true';
  const status = await handle(fixture('branch-policy-disabled-azdo'));
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  const main = org().repositories.find((r) => r.name === 'payments-api')!.refs.find((r) => r.name === 'refs/heads/main')!;
  assert.equal(main.isLocked, true);
  assert.equal(org().policyConfigurations.find((p) => p.id === 12)!.isEnabled, true);
  assert.match(h.outbox()[0]!.plainText ?? '', /Locked refs\/heads\/main of payments-api until an owner unlocks it/);
});

test('Azure DevOps without the PolicyId detail: nothing is guessed, the comment says what could not be done, the owners are still told', async () => {
  const status = await handle(withDetails('branch-policy-disabled-azdo', (d) => delete d.PolicyId));
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.equal(org().policyConfigurations.find((p) => p.id === 12)!.isEnabled, false);
  const comments = h.comments(AZDO);
  assert.ok(comments.some((c) => c.includes('the incident does not name the policy configuration (custom detail PolicyId)')), comments.join('\n'));
  assert.equal(h.outbox().length, 1);
  assert.equal(h.incident(AZDO).properties.status, 'Active');
});

test('GitHub: the removed protection is restored (baseline), a task asks to review it, admins and CODEOWNERS are told', async () => {
  main().protection = null; // what the audit event says happened
  const status = await handle(fixture('branch-protection-removed-github'));
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));

  assert.deepEqual(main().protection, {
    requiredStatusChecks: null,
    enforceAdmins: true,
    requiredPullRequestReviews: { dismissStaleReviews: true, requireCodeOwnerReviews: false, requiredApprovingReviewCount: 1, requireLastPushApproval: false },
    restrictions: null,
    requiredLinearHistory: false,
    allowForcePushes: false,
    allowDeletions: false,
    blockCreations: false,
    requiredConversationResolution: false,
    lockBranch: false,
    allowForkSyncing: false,
  });
  assert.deepEqual(paymentsApi().rulesets, [], 'no ruleset stands in for the protection');

  const incident = h.incident(GITHUB);
  assert.deepEqual(incident.tasks.map((t) => (t.properties as { title: string }).title), ['Review the restored branch protection of main in contoso/payments-api']);
  assert.equal(incident.properties.status, 'Active');
  const mails = h.outbox();
  assert.deepEqual(mails.map((m) => m.to.map((t) => t.address).sort()), [['alice@contoso.com', 'carol@contoso.com', 'dave@contoso.com']]);
  assert.match(mails[0]!.plainText ?? '', /Restored the protection of main: 1 approving review\(s\) on pull requests, stale approvals dismissed, enforced for administrators, no force pushes or deletion/);
  assert.match(h.comments(GITHUB).at(-1)!, /Protect branch \(github\.protectBranch\)<\/td><td>Succeeded/);
});

test('GitHub with PLAYBOOK_BRANCH_POLICY_DISABLED_REQUIRED_APPROVING_REVIEW_COUNT=2: a weakened protection is raised to the baseline, keeping what it still has', async () => {
  process.env.PLAYBOOK_BRANCH_POLICY_DISABLED_REQUIRED_APPROVING_REVIEW_COUNT = '2';
  Object.assign(main().protection!, { requiredStatusChecks: { strict: true, contexts: ['ci/build'] }, allowForcePushes: true });
  const status = await handle(fixture('branch-protection-removed-github'));
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  const protection = main().protection!;
  assert.deepEqual(protection.requiredStatusChecks, { strict: true, contexts: ['ci/build'] }, 'status checks kept');
  assert.equal(protection.requiredPullRequestReviews?.requireCodeOwnerReviews, true, 'code-owner reviews kept');
  assert.equal(protection.requiredPullRequestReviews?.requiredApprovingReviewCount, 2);
  assert.deepEqual([protection.enforceAdmins, protection.allowForcePushes, protection.allowDeletions], [true, false, false]);
});

test('GitHub when the branch already meets the baseline: nothing is written, no task, the owners are still told', async () => {
  main().protection!.enforceAdmins = true;
  const before = structuredClone(main().protection);
  const status = await handle(fixture('branch-protection-removed-github'));
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.deepEqual(main().protection, before);
  assert.equal(h.sandbox.calls({ service: 'github' }).filter((c) => c.method === 'PUT').length, 0);
  assert.deepEqual(h.incident(GITHUB).tasks, []);
  assert.match(h.outbox()[0]!.plainText ?? '', /The protection of main already required 1 approving review\(s\)/);
});

test('GitHub with the lock setting: the branch is locked too; a second delivery of the same incident starts nothing new', async () => {
  process.env.PLAYBOOK_BRANCH_POLICY_DISABLED_LOCK_BRANCH = 'true';
  const status = await handle(fixture('branch-protection-removed-github'));
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  const locked = main().protection!;
  assert.equal(locked.lockBranch, true);
  assert.deepEqual([locked.enforceAdmins, locked.requiredPullRequestReviews?.dismissStaleReviews], [true, true], 'the lock keeps the restored protection');
  assert.match(h.outbox()[0]!.plainText ?? '', /Locked main until an owner unlocks it/);
  const again = await h.postIncident(fixture('branch-protection-removed-github'));
  assert.equal(again.json.runs[0].duplicate, true, JSON.stringify(again.json));
  await h.idle(runOf(again.json));
  assert.equal(h.incident(GITHUB).tasks.length, 1);
  assert.equal(h.outbox().length, 1);
});

test('GitHub dry run: the restore, the task and the e-mail are planned, nothing changes', async () => {
  main().protection = null;
  const incident = JSON.parse(JSON.stringify(normaliseIncident(fixture('branch-protection-removed-github'))));
  await h.start('playbook-branch-policy-disabled', 'branch-policy-dry-run-1', { incident, dryRun: true });
  const status = await h.settle('branch-policy-dry-run-1');
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.equal(main().protection, null);
  assert.deepEqual(h.incident(GITHUB).tasks, []);
  assert.equal(h.outbox().length, 0);
  const plan = h.comments(GITHUB).join('\n');
  for (const action of ['github.protectBranch', 'sentinel.addTask', 'email.sendEmail']) assert.ok(plan.includes(`(${action})`), `${action} planned: ${plan}`);
});
