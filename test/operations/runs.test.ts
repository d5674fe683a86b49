import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunDetail, RunPage } from '../../src/operations/runs.js';
import type { ManualRunResponse } from '../../src/operations/manualRun.js';
import { incidentArmId, startEnv, type Env } from './harness.js';

let env: Env;
before(async () => {
  env = await startEnv();
});
after(async () => {
  await env?.close();
});

const incidentOf = (name: string) => env.sandbox.world().sentinel.incidents.find((i) => i.name === name)!;

test('a manual run by incident number starts, labels the incident, and shows its step timeline', async () => {
  const started = await env.api<ManualRunResponse>('POST', '/api/playbooks/ops-label/runs', { incidentNumber: 101 });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  assert.equal(started.body.instanceId, 'ops-label-inc-repo-deleted-github-create');
  assert.equal(started.body.duplicate, false);
  assert.equal(started.body.incident.number, 101);
  assert.equal(started.headers.get('location'), started.body.urls.run);
  assert.match(started.body.urls.page, /\/api\/ui\/runs\/ops-label-inc-repo-deleted-github-create$/);

  const run = await env.finished<RunDetail>(started.body.instanceId);
  assert.equal(run.status, 'Completed');
  assert.equal(run.playbook, 'ops-label');
  assert.equal(run.incident?.id, incidentArmId('inc-repo-deleted-github'));
  const titles = run.timeline.map((s) => s.title);
  assert.ok(titles.includes('Read playbook settings'), titles.join(' | '));
  assert.ok(titles.includes('Update incident'), titles.join(' | '));
  assert.ok(titles.includes('Add incident comment'), titles.join(' | '));
  for (const step of run.timeline) {
    assert.equal(step.status, 'succeeded');
    assert.ok(step.endedAt && step.durationInMs !== undefined && step.durationInMs >= 0);
  }
  const labels = (incidentOf('inc-repo-deleted-github').properties.labels ?? []).map((l: { labelName: string }) => l.labelName);
  assert.ok(labels.includes('triaged-by-soar'), JSON.stringify(labels));

  // Same playbook, same incident, no force: the existing run is the answer.
  const again = await env.api<ManualRunResponse>('POST', '/api/playbooks/ops-label/runs', { incidentId: incidentArmId('inc-repo-deleted-github') });
  assert.equal(again.status, 200);
  assert.deepEqual([again.body.instanceId, again.body.duplicate], [started.body.instanceId, true]);
  // force: a fresh run with its own id.
  const forced = await env.api<ManualRunResponse>('POST', '/api/playbooks/ops-label/runs', { incidentNumber: 101, force: true });
  assert.equal(forced.status, 202);
  assert.match(forced.body.instanceId, /^ops-label-inc-repo-deleted-github-create-[a-z0-9]+$/);
  assert.equal((await env.finished(forced.body.instanceId)).status, 'Completed');
});

test('manual and dry runs of an incident with a 128-character name get instance ids of at most 100 characters', async () => {
  const name = `inc-${'long'.repeat(31)}`;
  const incident = { id: incidentArmId(name), properties: { title: 'ops-label long name', severity: 'Low', status: 'New' } };
  for (const options of [{}, { dryRun: true }, { force: true }]) {
    const started = await env.api<ManualRunResponse>('POST', '/api/playbooks/ops-label/runs', { incident, ...options });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.ok(started.body.instanceId.length <= 100, started.body.instanceId);
    assert.match(started.body.instanceId, /^ops-label-inc-longlong/);
    assert.equal((await env.api('GET', `/api/runs/${started.body.instanceId}`)).status, 200);
  }
});

test('manual run errors: unknown playbook 404, unknown incident 400, bad request 400 with paths, nothing started', async () => {
  const before = (await env.api<RunPage>('GET', '/api/runs?top=200')).body.runs.length;
  const unknownPlaybook = await env.api<{ error: { code: string } }>('POST', '/api/playbooks/no-such/runs', { incidentNumber: 101 });
  assert.equal(unknownPlaybook.status, 404);
  assert.equal(unknownPlaybook.body.error.code, 'playbook_not_found');
  const unknownNumber = await env.api<{ error: { code: string; message: string } }>('POST', '/api/playbooks/ops-label/runs', { incidentNumber: 99999 });
  assert.equal(unknownNumber.status, 400);
  assert.deepEqual(unknownNumber.body.error, { code: 'incident_not_found', message: "No incident number 99999 in workspace 'soc-workspace'." });
  const unknownId = await env.api<{ error: { code: string } }>('POST', '/api/playbooks/ops-label/runs', { incidentId: incidentArmId('nope') });
  assert.equal(unknownId.status, 400);
  assert.equal(unknownId.body.error.code, 'incident_not_found');
  const bad = await env.api<{ error: { code: string; details: { path: string }[] } }>('POST', '/api/playbooks/ops-label/runs', { incidentNumber: -1, dryRun: 'yes', extra: 1 });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'invalid_request');
  assert.deepEqual(bad.body.error.details.map((d) => d.path).sort(), ['(body)', 'dryRun', 'incidentNumber'].sort());
  const invalidBody = await env.api<{ error: { code: string; details: { path: string }[] } }>('POST', '/api/playbooks/ops-label/runs', {
    incident: { id: incidentArmId('x'), properties: { title: 't', severity: 'Severe', status: 'New' } },
  });
  assert.equal(invalidBody.status, 400);
  assert.equal(invalidBody.body.error.code, 'invalid_incident');
  assert.ok(invalidBody.body.error.details.some((d) => d.path.includes('severity')), JSON.stringify(invalidBody.body));
  assert.equal((await env.api<RunPage>('GET', '/api/runs?top=200')).body.runs.length, before);
});

test('runs list: filters by incident, playbook, status and time, pages with a continuation token, rejects bad filters', async () => {
  const a = await env.api<ManualRunResponse>('POST', '/api/playbooks/ops-label/runs', { incidentNumber: 102 });
  const b = await env.api<ManualRunResponse>('POST', '/api/playbooks/ops-label/runs', { incidentNumber: 103 });
  await env.finished(a.body.instanceId);
  await env.finished(b.body.instanceId);
  const byIncident = await env.api<RunPage>('GET', `/api/runs?incident=${encodeURIComponent(a.body.incident.id)}`);
  assert.equal(byIncident.status, 200);
  assert.deepEqual(byIncident.body.runs.map((r) => r.instanceId), [a.body.instanceId]);
  const byNumber = await env.api<RunPage>('GET', `/api/runs?incident=103&playbook=ops-label&status=Completed`);
  assert.deepEqual(byNumber.body.runs.map((r) => r.instanceId), [b.body.instanceId]);
  assert.equal((await env.api<RunPage>('GET', '/api/runs?incident=103&status=Failed,Running')).body.runs.length, 0);
  assert.equal((await env.api<RunPage>('GET', `/api/runs?incident=103&from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body.runs.length, 0);
  assert.equal((await env.api<RunPage>('GET', `/api/runs?incident=103&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body.runs.length, 1);

  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await env.api<RunPage>('GET', `/api/runs?top=2${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`);
    assert.equal(page.status, 200);
    assert.ok(page.body.runs.length <= 2);
    seen.push(...page.body.runs.map((r) => r.instanceId));
    token = page.body.continuationToken;
    pages++;
  } while (token && pages < 20);
  const all = (await env.api<RunPage>('GET', '/api/runs?top=200')).body.runs.map((r) => r.instanceId);
  assert.ok(pages >= 2, `expected several pages, got ${pages}`);
  assert.deepEqual([...seen].sort(), [...all].sort());

  const bad = await env.api<{ error: { code: string; details: { path: string }[] } }>('GET', '/api/runs?status=Done&top=0&from=yesterday&playbook=nope');
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.body.error.details.map((d) => d.path).sort(), ['from', 'playbook', 'status', 'top']);
});

test('approval: a run waiting for approval is approved over the API with the SDK event; a wrong approver is refused', async () => {
  const started = await env.api<ManualRunResponse>('POST', '/api/playbooks/ops-approval/runs', { incidentNumber: 104 });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const id = started.body.instanceId;
  await waitFor(async () => {
    const run = (await env.api<RunDetail>('GET', `/api/runs/${id}`)).body;
    return (run.customStatus as { approval?: { status: string } } | undefined)?.approval?.status === 'pending';
  });
  const wrong = await env.api<{ error: { code: string; message: string } }>('POST', `/api/runs/${id}/approval`, { decision: 'approve', approver: 'mallory@contoso.com' });
  assert.equal(wrong.status, 409);
  assert.match(wrong.body.error.message, /not an approver.*carol@contoso.com/);
  const invalid = await env.api<{ error: { code: string; details: { path: string }[] } }>('POST', `/api/runs/${id}/approval`, { decision: 'maybe' });
  assert.equal(invalid.status, 400);
  assert.deepEqual(invalid.body.error.details.map((d) => d.path).sort(), ['approver', 'decision']);
  const ok = await env.api<{ event: string }>('POST', `/api/runs/${id}/approval`, { decision: 'approve', approver: 'carol@contoso.com' });
  assert.equal(ok.status, 202, JSON.stringify(ok.body));
  const run = await env.finished<RunDetail>(id);
  assert.equal(run.status, 'Completed');
  const labels = (incidentOf(started.body.incident.name).properties.labels ?? []).map((l: { labelName: string }) => l.labelName);
  assert.ok(labels.includes('approval-approved'), JSON.stringify(labels));
  assert.ok(run.timeline.some((s) => s.kind === 'event' && s.name === ok.body.event), JSON.stringify(run.timeline.map((s) => s.name)));
  const late = await env.api<{ error: { code: string } }>('POST', `/api/runs/${id}/approval`, { decision: 'reject', approver: 'carol@contoso.com' });
  assert.equal(late.status, 409);
  assert.equal(late.body.error.code, 'run_not_running');
});

test('cancel: terminates a running run with the reason and comments on the incident; 404 and 409 otherwise', async () => {
  const started = await env.api<ManualRunResponse>('POST', '/api/playbooks/ops-approval/runs', { incidentNumber: 105 });
  const id = started.body.instanceId;
  await waitFor(async () => (await env.api<RunDetail>('GET', `/api/runs/${id}`)).body.status === 'Running');
  const cancelled = await env.api<{ comment: { posted: boolean } }>('POST', `/api/runs/${id}/cancel`, { reason: 'False alarm <b>really</b>', cancelledBy: 'alice@contoso.com' });
  assert.equal(cancelled.status, 202, JSON.stringify(cancelled.body));
  assert.deepEqual(cancelled.body.comment, { posted: true });
  const run = await env.finished<RunDetail>(id);
  assert.equal(run.status, 'Terminated');
  const comments = incidentOf(started.body.incident.name).comments ?? [];
  const comment = comments.map((c: { properties: { message: string } }) => c.properties.message).find((m: string) => m.includes('Playbook run cancelled'));
  assert.ok(comment, JSON.stringify(comments));
  assert.match(comment, /False alarm &lt;b&gt;really&lt;\/b&gt;/);
  assert.match(comment, /by alice@contoso\.com/);
  assert.equal((await env.api('POST', `/api/runs/${id}/cancel`, {})).status, 409);
  assert.equal((await env.api('POST', '/api/runs/no-such-run/cancel', {})).status, 404);
  assert.equal((await env.api('GET', '/api/runs/no-such-run')).status, 404);
});

test('a dry run changes nothing, records the plan, and its history exports as JSON', async () => {
  const incident = incidentOf('inc-secret-committed-github');
  const labelsBefore = JSON.stringify(incident.properties.labels ?? []);
  const started = await env.api<ManualRunResponse>('POST', '/api/playbooks/ops-label/runs', { incidentNumber: incident.properties.incidentNumber, dryRun: true });
  assert.equal(started.status, 202);
  assert.equal(started.body.dryRun, true);
  assert.match(started.body.instanceId, /-dryrun-/);
  const run = await env.finished<RunDetail>(started.body.instanceId);
  assert.equal(run.status, 'Completed');
  assert.equal(run.dryRun, true);
  const planned = run.timeline.filter((s) => s.status === 'planned').map((s) => s.title);
  assert.ok(planned.includes('Update incident'), JSON.stringify(run.timeline));
  assert.equal(JSON.stringify(incidentOf('inc-secret-committed-github').properties.labels ?? []), labelsBefore);
  const history = await env.api<{ format: string; instanceId: string; historyEvents: { EventType: string }[]; input: unknown }>('GET', `/api/runs/${started.body.instanceId}/history`);
  assert.equal(history.status, 200);
  assert.equal(history.body.format, 'soar-run-history/1');
  assert.equal(history.body.instanceId, started.body.instanceId);
  assert.ok(history.body.historyEvents.some((e) => e.EventType === 'ExecutionCompleted'));
  assert.ok(history.body.input);
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('with no PUBLIC_BASE_URL, the run links in comments point at the host on its own port', async () => {
  assert.notEqual(env.host.port, 7071);
  const started = await env.api<ManualRunResponse>('POST', '/api/playbooks/ops-label/runs', { incidentNumber: 101, force: true });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  assert.equal((await env.finished(started.body.instanceId)).status, 'Completed');
  const comments = incidentOf('inc-repo-deleted-github').comments.map((c) => (c.properties as { message: string }).message);
  const link = `href="${env.host.url}/api/runs/${started.body.instanceId}"`;
  assert.ok(comments.some((c) => c.includes(link)), `no comment links ${link}:\n${comments.join('\n')}`);
});
