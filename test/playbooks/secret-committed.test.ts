import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { normaliseIncident } from '../../src/incident/normalise.js';
import { fixture, PlaybookHarness } from './harness.js';

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
  delete process.env.PLAYBOOK_SECRET_COMMITTED_LOCK_REPOSITORY;
});

const LEAKED = 'ghp_DaveLeakedPat00000000000000000000001';

function runOf(json: Record<string, unknown>): string {
  const run = (json.runs as { playbook: string; instanceId: string }[]).find((r) => r.playbook === 'secret-committed');
  assert.ok(run, `intake started no secret-committed run: ${JSON.stringify(json)}`);
  return run.instanceId;
}

function paymentsApi() {
  const repo = h.world().github.repos.find((r) => r.owner === 'contoso' && r.name === 'payments-api');
  assert.ok(repo);
  return repo;
}

test('GitHub: token revoked, alert resolved, repository made private and main locked, owners and committer told, closed', async () => {
  const posted = await h.postIncident(fixture('secret-committed-github'));
  assert.equal(posted.status, 202, JSON.stringify(posted.json));
  const status = await h.settle(runOf(posted.json));
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));

  const world = h.world();
  assert.ok(JSON.stringify(world.github.revokedCredentials).includes(LEAKED), 'the leaked token was revoked');
  const repo = paymentsApi();
  const alert = repo.secretScanningAlerts.find((a) => a.number === 1)!;
  assert.equal(alert.state, 'resolved');
  assert.equal(alert.resolution, 'revoked');
  assert.equal(repo.visibility, 'private');
  assert.equal(repo.branches.find((b) => b.name === 'main')!.protection!.lockBranch, true);

  const recipients = h.outbox().map((m) => m.to.map((t) => t.address).sort());
  assert.deepEqual(recipients, [['alice@contoso.com', 'carol@contoso.com', 'dave@contoso.com'], ['dave@contoso.com']]);

  const incident = h.incident('inc-secret-committed-github');
  assert.equal(incident.properties.status, 'Closed');
  assert.equal(incident.properties.classification, 'TruePositive');
  assert.equal(incident.properties.classificationReason, 'SuspiciousActivity');
  const comments = h.comments('inc-secret-committed-github');
  assert.equal(comments.length, 2);
  assert.match(comments[1]!, /Revoke leaked GitHub credentials \(github\.revokeCredentials\)<\/td><td>Succeeded/);
  for (const text of [...comments, JSON.stringify(status)]) assert.ok(!text.includes(LEAKED), 'the token appears nowhere');
});

test('a token pasted into the title, description, a comment or a custom detail appears in no run, history, mail or comment', async () => {
  const pasted = 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'; // not the leaked one the run revokes
  const body = fixture('secret-committed-github');
  const p = body.object.properties;
  p.title = `Secret ${pasted} committed`;
  p.description = `Leaked token ${pasted} found`;
  (p as Record<string, unknown>).comments = [{ properties: { message: `analyst pasted ${pasted}` } }];
  const additionalData: Record<string, unknown> = p.alerts[0]!.properties.additionalData;
  additionalData['Custom Details'] = JSON.stringify({ ...JSON.parse(additionalData['Custom Details'] as string), Pasted: [pasted] });
  const posted = await h.postIncident(body);
  assert.equal(posted.status, 202, JSON.stringify(posted.json));
  const instanceId = runOf(posted.json);
  const status = await h.settle(instanceId);
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));

  const get = async (route: string) => (await fetch(`${h.host.url}${route}`, { headers: { 'x-functions-key': h.host.functionKey } })).text();
  const run = await get(`/api/runs/${instanceId}`);
  const history = await get(`/api/runs/${instanceId}/history`);
  assert.match(history, /Secret \[REDACTED\] committed/, 'the run had the title, redacted');
  assert.ok(h.outbox().length > 0, 'mails were sent');
  const texts: [string, string][] = [
    ['GET /api/runs/{id}', run],
    ['GET /api/runs/{id}/history', history],
    ['the mails', JSON.stringify(h.outbox())],
    ['the comments', JSON.stringify(h.comments('inc-secret-committed-github'))],
    ['the durable status', await get(`/runtime/webhooks/durabletask/instances/${instanceId}?showInput=true&showHistory=true&showHistoryOutput=true`)],
  ];
  for (const [where, text] of texts) assert.ok(!text.includes(pasted), `${where} contains the pasted token`);
});

test('Azure DevOps PAT: the committer’s PATs are revoked, admins and committer told, closed; the repository stays enabled by default', async () => {
  const posted = await h.postIncident(fixture('secret-committed-azdo'));
  const status = await h.settle(runOf(posted.json));
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  const org = h.world().azdo.organizations[0]!;
  const dave = org.identities.find((i) => i.principalName === 'dave@contoso.com')!;
  const davePats = org.pats.filter((p) => p.userDescriptor === dave.subjectDescriptor);
  assert.ok(davePats.length > 0 && davePats.every((p) => !p.isValid), 'every PAT of dave is revoked');
  assert.ok(org.pats.some((p) => p.userDescriptor !== dave.subjectDescriptor && p.isValid), 'other users keep theirs');
  assert.equal(org.repositories.find((r) => r.name === 'payments-api')!.isDisabled, false);
  assert.deepEqual(h.outbox().map((m) => m.to.map((t) => t.address)), [['carol@contoso.com'], ['dave@contoso.com']]);
  assert.equal(h.incident('inc-secret-committed-azdo').properties.classification, 'TruePositive');
});

test('setting PLAYBOOK_SECRET_COMMITTED_LOCK_REPOSITORY=never leaves the public repository as it was', async () => {
  process.env.PLAYBOOK_SECRET_COMMITTED_LOCK_REPOSITORY = 'never';
  const posted = await h.postIncident(fixture('secret-committed-github'));
  const status = await h.settle(runOf(posted.json));
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.equal(paymentsApi().visibility, 'public');
  assert.equal(paymentsApi().branches.find((b) => b.name === 'main')!.protection!.lockBranch, false);
  assert.equal(h.incident('inc-secret-committed-github').properties.status, 'Closed');
});

test('an invalid setting fails the run with a comment naming the setting, and changes nothing', async () => {
  process.env.PLAYBOOK_SECRET_COMMITTED_LOCK_REPOSITORY = 'sometimes';
  const posted = await h.postIncident(fixture('secret-committed-github'));
  const status = await h.settle(runOf(posted.json));
  assert.equal(status.runtimeStatus, 'Failed');
  const comments = h.comments('inc-secret-committed-github');
  assert.equal(comments.length, 1);
  assert.match(comments[0]!, /failed.*Setting PLAYBOOK_SECRET_COMMITTED_LOCK_REPOSITORY is invalid/s);
  assert.equal(paymentsApi().visibility, 'public');
  assert.equal(h.world().github.revokedCredentials.length, 0);
});

test('a throttled action is retried by the run after its delay and then succeeds', async () => {
  // More 503s than the client's own quick retries absorb: the durable retry (after WRITE_RETRY's delay) does.
  h.sandbox.faults.add({ service: 'github', method: 'POST', pathPattern: '/credentials/revoke', status: 503, count: 3 });
  const posted = await h.postIncident(fixture('secret-committed-github'));
  const status = await h.settle(runOf(posted.json), 5_000);
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.ok(JSON.stringify(h.world().github.revokedCredentials).includes(LEAKED));
  const revokes = h.sandbox.calls({ service: 'github' }).filter((c) => c.path.endsWith('/credentials/revoke'));
  assert.deepEqual(revokes.map((c) => c.status), [503, 503, 503, 202]);
});

test('a permanent 403 on credential revocation: the other steps run, the failure is commented, the incident stays Active', async () => {
  h.sandbox.faults.add({ service: 'github', method: 'POST', pathPattern: '/credentials/revoke', status: 403 });
  const posted = await h.postIncident(fixture('secret-committed-github'));
  const status = await h.settle(runOf(posted.json));
  assert.equal(status.runtimeStatus, 'Failed');
  const incident = h.incident('inc-secret-committed-github');
  assert.equal(incident.properties.status, 'Active');
  assert.equal(incident.properties.classification ?? null, null);
  const comments = h.comments('inc-secret-committed-github');
  const failure = comments.at(-1)!;
  assert.match(failure, /failed/);
  assert.match(failure, /revoke the credential: Revoke leaked GitHub credentials \(github\.revokeCredentials\) failed: GitHub API 403/);
  assert.match(failure, /The incident stays Active/);
  assert.match(failure, /github\.revokeCredentials\)<\/td><td>Failed/);
  // A 403 is permanent: one attempt, no durable retries.
  assert.equal(h.sandbox.calls({ service: 'github' }).filter((c) => c.path.endsWith('/credentials/revoke')).length, 1);
  // The alert stays open (it was not revoked), but the owners were still told and the repository locked.
  assert.equal(paymentsApi().secretScanningAlerts.find((a) => a.number === 1)!.state, 'open');
  assert.equal(paymentsApi().visibility, 'private');
  assert.equal(h.outbox().length, 2);
});

test('a dry run changes nothing and posts its plan as the only write', async () => {
  const incident = JSON.parse(JSON.stringify(normaliseIncident(fixture('secret-committed-github'))));
  // Everything a run could change (issued access tokens aside).
  const state = (): string =>
    JSON.stringify({ repos: h.world().github.repos, revoked: h.world().github.revokedCredentials, azdo: h.world().azdo.organizations, outbox: h.outbox() });
  const before = state();
  await h.start('playbook-secret-committed', 'secret-committed-dry-run-1', { incident, dryRun: true });
  const status = await h.settle('secret-committed-dry-run-1');
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.equal(state(), before);
  const sentinelIncident = h.incident('inc-secret-committed-github');
  assert.equal(sentinelIncident.properties.status, 'New');
  const comments = h.comments('inc-secret-committed-github');
  assert.equal(comments.length, 1);
  const plan = comments[0]!;
  assert.match(plan, /This comment is the only write a dry run makes/);
  for (const action of ['github.revokeCredentials', 'github.resolveSecretScanningAlert', 'github.setRepositoryVisibility', 'github.lockBranch', 'email.sendEmail', 'sentinel.updateIncident']) {
    assert.ok(plan.includes(`(${action})`), `the plan lists ${action}`);
  }
  assert.ok(!plan.includes('github.getRepositoryOwners'), 'reads are not in the plan');
  assert.ok(h.sandbox.calls().some((c) => c.path.includes('/collaborators')), 'reads still ran');
});

test('GET /api/playbooks lists what the playbook needs granted', async () => {
  const res = await fetch(`${h.host.url}/api/playbooks`, { headers: { 'x-functions-key': h.host.functionKey } });
  const { playbooks } = (await res.json()) as { playbooks: { name: string; permissions?: { api: string; name: string }[] }[] };
  const entry = playbooks.find((p) => p.name === 'secret-committed');
  assert.ok(entry?.permissions);
  const names = entry.permissions.map((p) => `${p.api}:${p.name}`);
  for (const needed of ['Sentinel:Microsoft Sentinel Responder', 'GitHub:secret_scanning_alerts:write', 'GitHub:administration:write', 'AzureDevOps:vso.tokenadministration']) {
    assert.ok(names.includes(needed), `${needed} in ${names.join(', ')}`);
  }
});
