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
  // The sandbox's lists: Microsoft DevLabs is trusted, evilcorp is allowed as a publisher but its crypto-helper is
  // known vulnerable (the deny list wins).
  Object.assign(process.env, {
    PLAYBOOK_EXTENSION_INSTALLED_ALLOWED_EXTENSIONS: '["ms-devlabs", "evilcorp"]',
    PLAYBOOK_EXTENSION_INSTALLED_DENIED_EXTENSIONS: '["evilcorp.crypto-helper"]',
    PLAYBOOK_EXTENSION_INSTALLED_APPROVERS: '["carol@contoso.com"]',
  });
});
afterEach(async () => {
  // A run a failed test left waiting would swallow the next test's delivery as a duplicate.
  if (current && (await h.status(current)).runtimeStatus === 'Running') await h.host.durable.terminate(current, 'test ended');
  current = undefined;
  for (const key of Object.keys(process.env)) if (key.startsWith('PLAYBOOK_EXTENSION_INSTALLED_')) delete process.env[key];
});

const INCIDENT = 'inc-extension-installed-azdo';
const HOUR = 60 * 60 * 1000;

/** Posts the incident and returns its run, left waiting (for an approval) or ended. */
async function post(body: IncidentFixture): Promise<string> {
  const posted = await h.postIncident(body);
  assert.equal(posted.status, 202, JSON.stringify(posted.json));
  const run = posted.json.runs.find((r) => r.playbook === 'extension-installed');
  assert.ok(run, `intake started no extension-installed run: ${JSON.stringify(posted.json)}`);
  current = run.instanceId;
  return run.instanceId;
}

/** The fixture with its alert's custom details changed. */
function withDetails(edit: (details: Record<string, string[]>) => void): IncidentFixture {
  const body = fixture('extension-installed-azdo');
  const alert = body.object.properties.alerts[0].properties.additionalData;
  const details = JSON.parse(alert['Custom Details']) as Record<string, string[]>;
  edit(details);
  alert['Custom Details'] = JSON.stringify(details);
  return body;
}

/** Waits for the approval e-mail and returns its link for `decision`, pointed at this host. */
async function approvalLink(instanceId: string, decision: 'Approve' | 'Reject'): Promise<string> {
  const status = await h.idle(instanceId);
  assert.equal(status.runtimeStatus, 'Running', JSON.stringify(status));
  const mail = h.outbox().find((m) => m.subject.startsWith('[Approval needed]'));
  assert.ok(mail, 'an approval e-mail was sent');
  assert.deepEqual(mail.to.map((t) => t.address), ['carol@contoso.com']);
  const match = new RegExp(`${decision}: https://soar\\.contoso\\.example(/api/approvals/[A-Za-z0-9_.-]+)`).exec(mail.plainText ?? '');
  assert.ok(match, mail.plainText);
  return h.host.url + match[1];
}

async function answer(link: string): Promise<void> {
  const res = await fetch(link, { method: 'POST', headers: { accept: 'application/json' } });
  assert.equal(res.status, 200, await res.text());
}

function installed(): string[] {
  return h.world().azdo.organizations[0]!.extensions.map((e) => `${e.publisherName}.${e.extensionId}`);
}

test('a denied extension, approved through the signed link: uninstalled, administrators told (title escaped), closed TruePositive', async () => {
  const body = fixture('extension-installed-azdo');
  body.object.properties.title = 'Extension <img src=x onerror=alert(1)> added';
  const run = await post(body);
  const approve = await approvalLink(run, 'Approve');
  assert.match(h.outbox()[0]!.plainText ?? '', /Uninstall the extension evilcorp\.crypto-helper from Azure DevOps contoso\? It is on the deny list of vulnerable extensions; carol@contoso\.com installed it\./);
  await answer(approve);
  const status = await h.settle(run);
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));

  assert.deepEqual(installed(), ['ms-devlabs.workitem-feature-timeline-extension']);
  const uninstall = h.world().azdo.organizations[0]!.uninstalledExtensions;
  assert.equal(uninstall.length, 1);
  assert.equal(uninstall[0]!.reasonCode, 'SecurityIncident');
  assert.match(uninstall[0]!.reason ?? '', /deny list/);

  const notice = h.outbox()[1]!;
  assert.deepEqual(notice.to.map((t) => t.address), ['erin@contoso.com'], 'the Project Collection Administrators (erin; the app itself has no mailbox)');
  assert.match(notice.plainText ?? '', /uninstalled after carol@contoso\.com approved/);
  assert.ok(notice.html?.includes('Extension &lt;img src=x onerror=alert(1)&gt; added'), notice.html);
  assert.ok(!notice.html?.includes('<img'));

  const incident = h.incident(INCIDENT);
  assert.equal(incident.properties.status, 'Closed');
  assert.equal(incident.properties.classification, 'TruePositive');
  assert.equal(incident.properties.classificationReason, 'SuspiciousActivity');
  assert.match(h.comments(INCIDENT).at(-1)!, /\(approval\)<\/td><td>Succeeded: approved by carol@contoso\.com/);
});

test('approved, but no collection administrator has an e-mail address: the SOC mailbox is told instead', async () => {
  const admins = h.world().azdo.organizations[0]!.groups.find((g) => g.displayName === 'Project Collection Administrators')!;
  admins.members = admins.members.filter((m) => !m.startsWith('aad.')); // only the app's service principal is left
  const run = await post(fixture('extension-installed-azdo'));
  await answer(await approvalLink(run, 'Approve'));
  const status = await h.settle(run);
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.ok(!installed().includes('evilcorp.crypto-helper'));
  assert.deepEqual(h.outbox()[1]!.to.map((t) => t.address), ['soc@contoso.com']);
  assert.match(h.comments(INCIDENT).at(-1)!, /Get organization administrators \(azdo\.getOrganizationAdministrators\)<\/td><td>Succeeded/);
});

test('rejected through the signed link: the extension stays, the comment says who rejected, the incident stays Active', async () => {
  const run = await post(fixture('extension-installed-azdo'));
  await answer(await approvalLink(run, 'Reject'));
  const status = await h.settle(run);
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.ok(installed().includes('evilcorp.crypto-helper'));
  assert.equal(h.outbox().length, 1, 'only the approval e-mail');
  const incident = h.incident(INCIDENT);
  assert.equal(incident.properties.status, 'Active');
  assert.deepEqual(incident.properties.labels.map((l) => l.labelName), ['soar:extension-installed']);
  assert.ok(h.comments(INCIDENT).some((c) => /carol@contoso\.com rejected uninstalling evilcorp\.crypto-helper at \d{4}-/.test(c)), h.comments(INCIDENT).join('\n'));
});

test('nobody answers within the timeout (virtual clock): the extension stays, comment, Active, labelled for follow-up', async () => {
  const run = await post(fixture('extension-installed-azdo'));
  await approvalLink(run, 'Approve'); // asked, and left unanswered
  const status = await h.settle(run, 6 * HOUR);
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.ok(installed().includes('evilcorp.crypto-helper'));
  const incident = h.incident(INCIDENT);
  assert.equal(incident.properties.status, 'Active');
  assert.deepEqual(incident.properties.labels.map((l) => l.labelName).sort(), ['soar:approval-timed-out', 'soar:extension-installed']);
  assert.ok(h.comments(INCIDENT).some((c) => c.includes('Nobody answered whether to uninstall evilcorp.crypto-helper in time')));
});

test('an allowed extension is closed BenignPositive / SuspiciousButExpected without asking anyone', async () => {
  const run = await post(withDetails((d) => (d.ExtensionId = ['ms-devlabs.workitem-feature-timeline-extension'])));
  const status = await h.settle(run);
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.equal(h.outbox().length, 0);
  assert.equal(installed().length, 2);
  const incident = h.incident(INCIDENT);
  assert.equal(incident.properties.status, 'Closed');
  assert.equal(incident.properties.classification, 'BenignPositive');
  assert.equal(incident.properties.classificationReason, 'SuspiciousButExpected');
});

test('an extension on no list asks the SOC mailbox when no approvers are set', async () => {
  delete process.env.PLAYBOOK_EXTENSION_INSTALLED_APPROVERS;
  const run = await post(withDetails((d) => (d.ExtensionId = ['acme.build-helper'])));
  assert.equal((await h.idle(run)).runtimeStatus, 'Running');
  const mail = h.outbox()[0]!;
  assert.deepEqual(mail.to.map((t) => t.address), ['soc@contoso.com']);
  assert.match(mail.plainText ?? '', /acme\.build-helper .* It is not on the allow list/s);
});

test('the shipped rule names no extension: nothing is uninstalled or asked, the comment says why, Active', async () => {
  const run = await post(withDetails((d) => delete d.ExtensionId));
  const status = await h.settle(run);
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.equal(h.outbox().length, 0);
  assert.equal(installed().length, 2);
  assert.equal(h.incident(INCIDENT).properties.status, 'Active');
  assert.ok(h.comments(INCIDENT).some((c) => c.includes('the incident does not name it (custom detail ExtensionId)')));
});

test('a dry run assumes the approval and plans the uninstall without asking anyone or changing anything', async () => {
  const incident = JSON.parse(JSON.stringify(normaliseIncident(fixture('extension-installed-azdo'))));
  await h.start('playbook-extension-installed', 'extension-installed-dry-run-1', { incident, dryRun: true });
  const status = await h.settle('extension-installed-dry-run-1');
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.equal(installed().length, 2);
  assert.equal(h.outbox().length, 0);
  assert.equal(h.incident(INCIDENT).properties.status, 'New');
  const comments = h.comments(INCIDENT);
  assert.equal(comments.length, 1);
  assert.match(comments[0]!, /a dry run assumes approval/);
  assert.ok(comments[0]!.includes('(azdo.uninstallExtension)'), comments[0]);
});
