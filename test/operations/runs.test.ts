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
