import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
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

function runOf(json: Record<string, unknown>, playbook: string): string {
  const run = (json.runs as { playbook: string; instanceId: string }[]).find((r) => r.playbook === playbook);
  assert.ok(run, `intake started no ${playbook} run: ${JSON.stringify(json)}`);
  return run.instanceId;
}

test('Azure DevOps: the repository is restored, admins and the deleter’s manager are told, the run is commented', async () => {
  const body = fixture('repo-deleted-azdo');
  body.object.properties.title = 'Repository <b>legacy-billing</b> deleted <script>x</script>';
  const posted = await h.postIncident(body);
  assert.equal(posted.status, 202, JSON.stringify(posted.json));
  const instanceId = runOf(posted.json, 'repository-deleted');

  const status = await h.settle(instanceId);
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));

  const org = h.world().azdo.organizations[0]!;
  assert.ok(org.repositories.some((r) => r.name === 'legacy-billing'), 'legacy-billing is back among the repositories');
  assert.ok(!org.recycleBin.some((r) => r.name === 'legacy-billing'), 'and no longer in the recycle bin');

  const mails = h.outbox();
  assert.deepEqual(
    mails.map((m) => m.to.map((t) => t.address)),
    [['carol@contoso.com'], ['bob@contoso.com']],
  );
  for (const mail of mails) {
    assert.ok(mail.html?.includes('Repository &lt;b&gt;legacy-billing&lt;/b&gt; deleted &lt;script&gt;x&lt;/script&gt;'), mail.html);
    assert.ok(!mail.html?.includes('<script>'));
  }

  const incident = h.incident('inc-repo-deleted-azdo');
  assert.equal(incident.properties.status, 'Active');
  assert.deepEqual(incident.properties.labels.map((l: { labelName: string }) => l.labelName), ['soar:repository-deleted']);
  const comments = h.comments('inc-repo-deleted-azdo');
  assert.equal(comments.length, 2, comments.join('\n---\n'));
  assert.match(comments[0]!, /Repository deleted<\/b> \(repository-deleted v1\.1\.0\) started/);
  assert.ok(comments[0]!.includes(`>${instanceId}</a>`));
  assert.ok(comments[0]!.includes(`href="https://soar.contoso.example/api/runs/${instanceId}"`));
  assert.match(comments[1]!, /finished/);
  for (const row of ['Restore deleted repository (azdo.restoreRepository)</td><td>Succeeded', 'Send e-mail (email.sendEmail)</td><td>Succeeded', 'Update incident (sentinel.updateIncident)</td><td>Succeeded']) {
    assert.ok(comments[1]!.includes(row), `summary lists ${row}: ${comments[1]}`);
  }
  const report = status.output as { steps: { action: string; status: string }[] };
  assert.deepEqual(
    report.steps.map((s) => s.action),
    ['azdo.restoreRepository', 'azdo.getProjectAdministrators', 'email.sendEmail', 'entra.getManager', 'email.sendEmail', 'sentinel.updateIncident', 'sentinel.updateIncident'],
  );

  // The run list shows the playbook run, not the intake ledger's record of the delivery.
  const list = await fetch(`${h.host.url}/api/runs?incident=inc-repo-deleted-azdo`, { headers: { 'x-functions-key': h.host.functionKey } });
  const runs = ((await list.json()) as { runs: { instanceId: string; playbook: string }[] }).runs;
  assert.deepEqual(runs.map((r) => [r.playbook, r.instanceId]), [['repository-deleted', instanceId]]);
});

test('GitHub: no restore API, so the restore steps are e-mailed and a task is added to restore within 90 days', async () => {
  const posted = await h.postIncident(fixture('repo-deleted-github'));
  assert.equal(posted.status, 202, JSON.stringify(posted.json));
  const status = await h.settle(runOf(posted.json, 'repository-deleted'));
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));

  const [mail, ...others] = h.outbox();
  assert.equal(others.length, 0);
  // The organisation's owners (erin-gh, with a public e-mail address) get the restore steps.
  assert.deepEqual(mail!.to.map((t) => t.address), ['erin@contoso.com']);
  assert.match(mail!.subject, /contoso\/payments-api was deleted: restore it within 90 days/);
  assert.ok(mail!.plainText?.includes('https://github.com/organizations/contoso/settings/deleted_repositories'));

  const incident = h.incident('inc-repo-deleted-github');
  assert.deepEqual(
    incident.tasks.map((t) => (t.properties as { title: string }).title),
    ['Restore contoso/payments-api within 90 days'],
  );
  assert.equal(incident.properties.status, 'Active');
});

test('Azure DevOps, deleter unknown to Entra: restored and admins told; the comment says the manager could not be reached', async () => {
  const body = fixture('repo-deleted-azdo');
  const alert = body.object.properties.alerts[0].properties.additionalData;
  alert['Custom Details'] = alert['Custom Details'].replace('mallory@contoso.com', 'ghost@contoso.com');
  const posted = await h.postIncident(body);
  const status = await h.settle(runOf(posted.json, 'repository-deleted'));
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.ok(h.world().azdo.organizations[0]!.repositories.some((r) => r.name === 'legacy-billing'));
  assert.deepEqual(h.outbox().map((m) => m.to.map((t) => t.address)), [['carol@contoso.com']]);
  const comments = h.comments('inc-repo-deleted-azdo');
  assert.ok(comments.some((c) => /^<p>Could not e-mail the manager of ghost@contoso\.com: Get user&#39;s manager \(entra\.getManager\) failed: Graph API 404/.test(c)), comments.join('\n'));
  assert.match(comments.at(-1)!, /entra\.getManager\)<\/td><td>Failed: Graph API 404/);
  assert.equal(h.graphCalls('/users/ghost@contoso.com/manager'), 1, 'a 404 is not retried');
});
