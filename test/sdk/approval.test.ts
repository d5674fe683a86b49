import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { normaliseIncident } from '../../src/incident/normalise.js';
import { signApprovalToken } from '../../src/sdk/approvalToken.js';
import { fixture, PlaybookHarness, SIGNING_KEY } from '../playbooks/harness.js';

const INCIDENT = 'inc-extension-installed-azdo';
let h: PlaybookHarness;
let runs = 0;
before(async () => {
  h = await PlaybookHarness.start({ main: 'dist/test/apps/sdk/index.js' });
});
after(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.reset();
});

/** Starts the approval playbook and waits until it is waiting for an answer. */
async function startApproval(): Promise<string> {
  const instanceId = `sdk-approval-${++runs}`;
  const body = fixture('extension-installed-azdo');
  body.object.properties.title = 'crypto-helper <img src=x onerror=alert(1)>';
  await h.start('playbook-sdk-approval', instanceId, { incident: JSON.parse(JSON.stringify(normaliseIncident(body))) });
  const status = await h.idle(instanceId);
  assert.equal(status.runtimeStatus, 'Running');
  assert.equal((status.customStatus as { approval: { status: string } }).approval.status, 'pending');
  return instanceId;
}

/** The approve / reject links e-mailed to one approver, pointed at this host. */
function links(approver: string): { approve: string; reject: string } {
  const mail = h.outbox().find((m) => m.to[0]!.address === approver);
  assert.ok(mail, `no approval e-mail to ${approver}`);
  const find = (label: string): string => {
    const match = new RegExp(`${label}: (https://soar\\.contoso\\.example/api/approvals/[A-Za-z0-9_.-]+)`).exec(mail.plainText ?? '');
    assert.ok(match, `no ${label} link in ${mail.plainText}`);
    return match[1]!.replace('https://soar.contoso.example', h.host.url);
  };
  return { approve: find('Approve'), reject: find('Reject') };
}

/** What the approval endpoint answers: the decision taken, or an error. */
interface ApprovalAnswer {
  decision: string;
  by: string;
  at: string;
  error: { code: string };
}

async function post(url: string): Promise<{ status: number; body: ApprovalAnswer }> {
  const res = await fetch(url, { method: 'POST', headers: { accept: 'application/json' } });
  return { status: res.status, body: (await res.json()) as ApprovalAnswer };
}

test('each approver gets personal signed links by e-mail; the question is escaped', async () => {
  await startApproval();
  const mails = h.outbox();
  assert.deepEqual(mails.map((m) => m.to.map((t) => t.address)), [['carol@contoso.com'], ['erin@contoso.com']]);
  assert.notEqual(links('carol@contoso.com').approve, links('erin@contoso.com').approve);
  for (const mail of mails) {
    assert.ok(mail.html?.includes('Uninstall &lt;b&gt;crypto-helper &lt;img src=x onerror=alert(1)&gt;&lt;/b&gt;?'), mail.html);
    assert.ok(!mail.html?.includes('<img'));
  }
});

test('approved through the signed link: GET shows the question, POST records who and when, the run continues', async () => {
  const instanceId = await startApproval();
  const { approve, reject } = links('carol@contoso.com');

  const page = await fetch(approve);
  assert.equal(page.status, 200);
  const text = await page.text();
  assert.match(text, /<form method="post">/);
  assert.ok(text.includes('Uninstall &lt;b&gt;crypto-helper'), text);

  const answer = await post(approve);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body.decision, 'approved');
  assert.equal(answer.body.by, 'carol@contoso.com');
  assert.match(answer.body.at, /^\d{4}-\d\d-\d\dT/);

  const status = await h.settle(instanceId);
  assert.equal(status.runtimeStatus, 'Completed');
  const comments = h.comments(INCIDENT);
  assert.ok(comments.includes('<p>Outcome: approved by carol@contoso.com</p>'), comments.join('\n'));
  assert.match(comments.at(-1)!, /Approval: Uninstall .*\(approval\)<\/td><td>Succeeded: approved by carol@contoso\.com at /);

  // Single use: the same link, the other decision and the other approver's link are all refused now.
  assert.equal((await post(approve)).status, 409);
  assert.equal((await post(reject)).status, 409);
  const refused = await post(links('erin@contoso.com').approve);
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error.code, 'approval_already_decided');
});

test('rejected through the signed link', async () => {
  const instanceId = await startApproval();
  const answer = await post(links('erin@contoso.com').reject);
  assert.equal(answer.status, 200);
  assert.equal((await h.settle(instanceId)).runtimeStatus, 'Completed');
  assert.ok(h.comments(INCIDENT).includes('<p>Outcome: rejected by erin@contoso.com</p>'));
});

test('two clicks at the same moment: one is recorded, the other gets 409', async () => {
  const instanceId = await startApproval();
  const { approve } = links('carol@contoso.com');
  const answers = await Promise.all([post(approve), post(links('erin@contoso.com').reject)]);
  assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409]);
  await h.settle(instanceId);
  const outcomes = h.comments(INCIDENT).filter((c) => c.startsWith('<p>Outcome:'));
  assert.equal(outcomes.length, 1);
});

test('nobody answers: the approval times out on the virtual clock and the link is refused afterwards', async () => {
  const instanceId = await startApproval();
  h.clock.advance(59 * 60_000);
  assert.equal((await h.idle(instanceId)).runtimeStatus, 'Running', 'still waiting before the hour is up');
  h.clock.advance(2 * 60_000);
  const status = await h.settle(instanceId);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.ok(h.comments(INCIDENT).includes('<p>Outcome: timedOut</p>'));
  assert.equal((await post(links('carol@contoso.com').approve)).status, 409);
});

test('forged, tampered and expired links are refused with 403; nothing is recorded; tokens are never logged', async () => {
  const instanceId = await startApproval();
  const { approve } = links('carol@contoso.com');
  const token = approve.split('/').at(-1)!;
  const [payload, signature] = token.split('.') as [string, string];
  const flipped = signature.slice(0, -2) + (signature.at(-2) === 'A' ? 'B' : 'A') + signature.at(-1);
  const base = `${h.host.url}/api/approvals/`;

  const tampered = await post(`${base}${payload}.${flipped}`);
  assert.equal(tampered.status, 403);
  assert.equal(tampered.body.error.code, 'approval_link_invalid');

  const claims = { instanceId, approvalId: 'approval-1', decision: 'approved' as const, approver: 'mallory@contoso.com' };
  const forged = await post(base + signApprovalToken({ ...claims, expiresAt: Date.now() + 60_000 }, 'another-key-that-is-long-enough-0123456789'));
  assert.equal(forged.status, 403);
  assert.equal(forged.body.error.code, 'approval_link_invalid');

  const expired = await post(base + signApprovalToken({ ...claims, expiresAt: Date.now() - 1 }, SIGNING_KEY));
  assert.equal(expired.status, 403);
  assert.equal(expired.body.error.code, 'approval_link_expired');
  assert.equal((await fetch(base + 'garbage')).status, 403);

  const status = await h.idle(instanceId);
  assert.equal((status.customStatus as { approval: { status: string } }).approval.status, 'pending');
  assert.ok(!h.host.logger.lines.some((line) => line.includes(payload)), 'no log line holds a token');
  h.clock.advance(2 * 3_600_000);
  await h.settle(instanceId);
});

test('in a dry run nobody is asked: the approval is planned, assumed granted, and listed in the plan', async () => {
  const instanceId = `sdk-approval-dry-${++runs}`;
  const incident = JSON.parse(JSON.stringify(normaliseIncident(fixture('extension-installed-azdo'))));
  await h.start('playbook-sdk-approval', instanceId, { incident, dryRun: true });
  const status = await h.settle(instanceId);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.equal(h.outbox().length, 0);
  assert.equal((status.customStatus as { approval: { status: string } }).approval.status, 'assumed');
  const comments = h.comments(INCIDENT);
  assert.equal(comments.length, 1, 'the plan is the only write');
  assert.match(comments[0]!, /Approval: Uninstall .*\(approval\) — a dry run assumes approval: <code>/);
  assert.match(comments[0]!, /Add incident comment \(sentinel\.addComment\)/);
});

test('a valid link for a run that does not exist is answered 404', async () => {
  const token = signApprovalToken(
    { instanceId: 'no-such-run', approvalId: 'approval-1', decision: 'approved', approver: 'carol@contoso.com', expiresAt: Date.now() + 60_000 },
    SIGNING_KEY,
  );
  const answer = await post(`${h.host.url}/api/approvals/${token}`);
  assert.equal(answer.status, 404);
  assert.equal(answer.body.error.code, 'run_not_found');
});

test('an answer raised elsewhere at the same moment (another host, the run API) wins; this link then gets 409', async () => {
  const instanceId = await startApproval();
  await h.host.durable.raiseEvent(instanceId, 'approval-1', { decision: 'rejected', by: 'erin@contoso.com', at: new Date().toISOString() });
  const answer = await post(links('carol@contoso.com').approve);
  assert.equal(answer.status, 409);
  assert.equal((await h.settle(instanceId)).runtimeStatus, 'Completed');
  assert.ok(h.comments(INCIDENT).includes('<p>Outcome: rejected by erin@contoso.com</p>'));
});
