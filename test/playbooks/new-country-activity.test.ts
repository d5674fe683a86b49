import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { normaliseIncident } from '../../src/incident/normalise.js';
import { fixture, PlaybookHarness, type IncidentFixture } from './harness.js';

let h: PlaybookHarness;
/** The run the current test started. */
let current: string | undefined;
before(async () => {
  h = await PlaybookHarness.start();
});
after(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.reset();
});
afterEach(async () => {
  // A run a failed test left waiting would swallow the next test's delivery as a duplicate.
  if (current && (await h.status(current)).runtimeStatus === 'Running') await h.host.durable.terminate(current, 'test ended');
  current = undefined;
  delete process.env.PLAYBOOK_NEW_COUNTRY_ACTIVITY_DISABLE_ACCOUNT;
});

const ALICE = 'a1000000-0000-4000-8000-000000000001';
const HOUR = 60 * 60 * 1000;

async function post(body: IncidentFixture): Promise<string> {
  const posted = await h.postIncident(body);
  assert.equal(posted.status, 202, JSON.stringify(posted.json));
  const run = posted.json.runs.find((r) => r.playbook === 'new-country-activity');
  assert.ok(run, `intake started no new-country-activity run: ${JSON.stringify(posted.json)}`);
  current = run.instanceId;
  return run.instanceId;
}

function alice() {
  const user = h.world().graph.users.find((u) => u.id === ALICE);
  assert.ok(user);
  return user;
}

/** alice's Azure DevOps PATs: [valid, revoked]. */
function alicePats(): { valid: number; revoked: number } {
  const org = h.world().azdo.organizations[0]!;
  const descriptor = org.identities.find((i) => i.principalName === 'alice@contoso.com')!.subjectDescriptor;
  const pats = org.pats.filter((p) => p.userDescriptor === descriptor);
  return { valid: pats.filter((p) => p.isValid).length, revoked: pats.filter((p) => !p.isValid).length };
}

function recipients(): string[][] {
  return h.outbox().map((m) => m.to.map((t) => t.address));
}

/** The approve / reject link of the approval e-mail, pointed at this host. */
async function approvalLink(instanceId: string, decision: 'Approve' | 'Reject'): Promise<string> {
  assert.equal((await h.idle(instanceId)).runtimeStatus, 'Running');
  const mail = h.outbox().find((m) => m.subject.startsWith('[Approval needed]'));
  assert.ok(mail, 'an approval e-mail was sent');
  assert.deepEqual(mail.to.map((t) => t.address), ['soc@contoso.com'], 'the SOC mailbox decides by default');
  const match = new RegExp(`${decision}: https://soar\\.contoso\\.example(/api/approvals/[A-Za-z0-9_.-]+)`).exec(mail.plainText ?? '');
  assert.ok(match, mail.plainText);
  return h.host.url + match[1];
}

async function answer(link: string): Promise<void> {
  const res = await fetch(link, { method: 'POST', headers: { accept: 'application/json' } });
  assert.equal(res.status, 200, await res.text());
}

test('Azure DevOps, disable always: sessions and PATs revoked, account disabled, manager and SOC told (title escaped), Active and assigned', async () => {
  process.env.PLAYBOOK_NEW_COUNTRY_ACTIVITY_DISABLE_ACCOUNT = 'always';
  const body = fixture('new-country-azdo');
  body.object.properties.title = 'Alice from <i>KP</i> <script>x</script>';
  const status = await h.settle(await post(body));
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));

  assert.ok(alice().signInSessionsValidFromDateTime, 'the sign-in sessions were revoked');
  assert.equal(alice().accountEnabled, false);
  assert.deepEqual(alicePats(), { valid: 0, revoked: 2 });

  assert.deepEqual(recipients(), [['bob@contoso.com'], ['soc@contoso.com']]);
  for (const mail of h.outbox()) {
    assert.ok(mail.html?.includes('Alice from &lt;i&gt;KP&lt;/i&gt; &lt;script&gt;x&lt;/script&gt;'), mail.html);
    assert.ok(!mail.html?.includes('<script>'));
    assert.match(mail.plainText ?? '', /from KP \(203\.0\.113\.50\)/);
    assert.match(mail.plainText ?? '', /Disabled the Entra ID account alice@contoso\.com/);
  }

  const incident = h.incident('inc-new-country-azdo');
  assert.equal(incident.properties.status, 'Active');
  assert.equal(incident.properties.owner.userPrincipalName, 'soc@contoso.com');
  assert.deepEqual(incident.properties.labels.map((l) => l.labelName), ['soar:new-country-activity']);
  const comments = h.comments('inc-new-country-azdo');
  assert.equal(comments.length, 2, comments.join('\n'));
  assert.match(comments[1]!, /Disable account \(entra\.disableAccount\)<\/td><td>Succeeded/);
});

test('GitHub (shipped rule), approved through the signed link: the account is disabled after the answer', async () => {
  const run = await post(fixture('new-country-github'));
  const approve = await approvalLink(run, 'Approve');
  assert.ok(alice().signInSessionsValidFromDateTime, 'sessions are revoked before anyone is asked');
  assert.equal(alice().accountEnabled, true);
  await answer(approve);
  const status = await h.settle(run);
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.equal(alice().accountEnabled, false);
  assert.deepEqual(alicePats(), { valid: 0, revoked: 2 });
  assert.match(h.outbox().at(-1)!.plainText ?? '', /Disabled the Entra ID account alice@contoso\.com \(approved by soc@contoso\.com\)/);
});

test('rejected: the account stays enabled, the comment says who rejected; sessions and PATs are still revoked', async () => {
  const run = await post(fixture('new-country-github'));
  await answer(await approvalLink(run, 'Reject'));
  const status = await h.settle(run);
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.equal(alice().accountEnabled, true);
  assert.deepEqual(alicePats(), { valid: 0, revoked: 2 });
  assert.ok(h.comments('inc-new-country-github').some((c) => c.includes('The account alice@contoso.com was not disabled: soc@contoso.com rejected disabling it.')));
  assert.equal(h.incident('inc-new-country-github').properties.status, 'Active');
});

test('nobody answers within the timeout (virtual clock): not disabled, commented, Active', async () => {
  const run = await post(fixture('new-country-github'));
  await approvalLink(run, 'Approve');
  const status = await h.settle(run, 2 * HOUR);
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.equal(alice().accountEnabled, true);
  assert.ok(h.comments('inc-new-country-github').some((c) => c.includes('nobody answered the approval in time')));
  assert.equal(h.incident('inc-new-country-github').properties.status, 'Active');
});

test('Microsoft XDR incident, disable never: contained without disabling; the comment says so', async () => {
  process.env.PLAYBOOK_NEW_COUNTRY_ACTIVITY_DISABLE_ACCOUNT = 'never';
  const status = await h.settle(await post(fixture('xdr-new-country')));
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.ok(alice().signInSessionsValidFromDateTime);
  assert.equal(alice().accountEnabled, true);
  assert.deepEqual(alicePats(), { valid: 0, revoked: 2 });
  assert.deepEqual(recipients(), [['bob@contoso.com'], ['soc@contoso.com']]);
  assert.ok(h.comments('inc-xdr-new-country').some((c) => c.includes('was not disabled: the playbook is set never to disable accounts')));
});

test('a GitHub account with no Entra id: nothing is revoked, the comment says what could not be done, the SOC is told', async () => {
  const body = fixture('new-country-github');
  const properties = body.object.properties;
  properties.relatedEntities = properties.relatedEntities.filter((e) => !e.properties.aadUserId);
  const alert = properties.alerts[0].properties.additionalData;
  const details = JSON.parse(alert['Custom Details']) as Record<string, string[]>;
  delete details.ActorUpn;
  alert['Custom Details'] = JSON.stringify(details);

  const status = await h.settle(await post(body));
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.equal(alice().signInSessionsValidFromDateTime, undefined);
  assert.equal(alice().accountEnabled, true);
  assert.deepEqual(alicePats(), { valid: 2, revoked: 0 });
  assert.deepEqual(recipients(), [['soc@contoso.com']]);
  assert.match(h.outbox()[0]!.plainText ?? '', /alice-gh has no Entra ID identity/);
  const incident = h.incident('inc-new-country-github');
  assert.equal(incident.properties.status, 'Active');
  assert.equal(incident.properties.owner.userPrincipalName, 'soc@contoso.com');
  assert.ok(h.comments('inc-new-country-github').some((c) => c.includes('alice-gh has no Entra ID identity in the incident')));
});

test('a permanent 403 on session revocation: the other steps still run, the failure is commented, the incident stays Active', async () => {
  process.env.PLAYBOOK_NEW_COUNTRY_ACTIVITY_DISABLE_ACCOUNT = 'always';
  h.sandbox.faults.add({ service: 'graph', method: 'POST', pathPattern: '/revokeSignInSessions', status: 403 });
  const status = await h.settle(await post(fixture('new-country-azdo')));
  assert.equal(status.runtimeStatus, 'Failed');
  assert.equal(alice().signInSessionsValidFromDateTime, undefined);
  assert.deepEqual(alicePats(), { valid: 0, revoked: 2 });
  assert.equal(alice().accountEnabled, false);
  assert.deepEqual(recipients(), [['bob@contoso.com'], ['soc@contoso.com']]);
  const incident = h.incident('inc-new-country-azdo');
  assert.equal(incident.properties.status, 'Active');
  const failure = h.comments('inc-new-country-azdo').at(-1)!;
  assert.match(failure, /revoke the sign-in sessions: Revoke sign-in sessions \(entra\.revokeSignInSessions\) failed/);
  assert.match(failure, /The incident stays Active/);
});

test('a dry run changes nothing: sessions, PATs and the account untouched, approval assumed, the plan is the only write', async () => {
  const incident = JSON.parse(JSON.stringify(normaliseIncident(fixture('new-country-azdo'))));
  await h.start('playbook-new-country-activity', 'new-country-dry-run-1', { incident, dryRun: true });
  const status = await h.settle('new-country-dry-run-1');
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.equal(alice().signInSessionsValidFromDateTime, undefined);
  assert.equal(alice().accountEnabled, true);
  assert.deepEqual(alicePats(), { valid: 2, revoked: 0 });
  assert.equal(h.outbox().length, 0);
  assert.equal(h.incident('inc-new-country-azdo').properties.status, 'New');
  const comments = h.comments('inc-new-country-azdo');
  assert.equal(comments.length, 1);
  for (const action of ['entra.revokeSignInSessions', 'azdo.revokeUserPats', 'entra.disableAccount', 'email.sendEmail', 'sentinel.updateIncident']) {
    assert.ok(comments[0]!.includes(`(${action})`), `the plan lists ${action}`);
  }
});
