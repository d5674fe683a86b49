// The SDK helpers on the local host with the sandbox: parallel steps, waiting for late entities, the
// version check, and the custom status.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { normaliseIncident } from '../../src/incident/normalise.js';
import { fixture, PlaybookHarness } from '../playbooks/harness.js';

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

function incidentInput(name: string): unknown {
  return { incident: JSON.parse(JSON.stringify(normaliseIncident(fixture(name)))) };
}

test('parallel: sub-steps run in one round, results keep their order, a sub-step handles its own failure', async () => {
  const id = `sdk-parallel-${++runs}`;
  await h.start('playbook-sdk-parallel', id, incidentInput('new-country-azdo'));
  const status = await h.settle(id);
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  const comment = h.comments('inc-new-country-azdo').find((c) => c.startsWith('<p>Alice Anders|'));
  assert.ok(comment, h.comments('inc-new-country-azdo').join('\n'));
  assert.match(comment, /^<p>Alice Anders\|bob@contoso\.com\|Get user \(entra\.getUser\) failed: Graph API 404/);
  const steps = (status.output as { steps: { action: string; status: string }[] }).steps;
  assert.deepEqual(
    steps.map((s) => `${s.action}:${s.status}`),
    ['entra.getUser:succeeded', 'entra.getManager:succeeded', 'entra.getUser:failed', 'sentinel.addComment:succeeded'],
  );
  // The three reads were scheduled together: in history, all three TaskScheduled come before any result.
  const history = ((await h.host.durable.getHistory(id)) ?? []) as unknown as { EventType: number; Name?: string }[];
  const reads = history.flatMap((e, i) => (e.EventType === 4 && e.Name?.startsWith('entra-') ? [i] : []));
  const firstResult = history.findIndex((e, i) => i > reads[0]! && (e.EventType === 5 || e.EventType === 6));
  assert.ok(reads.length >= 3 && reads.slice(0, 3).every((i) => i < firstResult), JSON.stringify(history.map((e) => e.EventType)));
});

test('waitForEntities: re-reads the incident until Sentinel has filled in the entities', async () => {
  const id = `sdk-entities-${++runs}`;
  await h.start('playbook-sdk-entities', id, incidentInput('entities-pending'));
  let status = await h.idle(id);
  assert.equal(status.runtimeStatus, 'Running');
  const entityReads = (): number => h.sandbox.calls({ service: 'sentinel' }).filter((c) => c.path.includes('/entities')).length;
  assert.equal(entityReads(), 1);

  h.clock.advance(2 * 60_000);
  await h.idle(id);
  assert.equal(entityReads(), 2, 'polled again after the interval');
  h.incident('inc-entities-pending').entities.push({
    name: 'ac000000-0000-4000-8000-0000000000ee',
    kind: 'Account',
    properties: { accountName: 'alice', upnSuffix: 'contoso.com', friendlyName: 'alice' },
  });
  h.clock.advance(2 * 60_000);
  status = await h.settle(id);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.ok(h.comments('inc-entities-pending').includes('<p>Accounts: alice@contoso.com</p>'));
  assert.equal(entityReads(), 3);
});

test('waitForEntities gives up at its timeout and the playbook carries on', async () => {
  const id = `sdk-entities-${++runs}`;
  await h.start('playbook-sdk-entities', id, incidentInput('entities-pending'));
  const status = await h.settle(id, 2 * 60_000);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.ok(h.comments('inc-entities-pending').includes('<p>Accounts: none after 10 minutes</p>'));
});

test('a run started for another playbook version fails with a comment instead of replaying', async () => {
  const id = `sdk-version-${++runs}`;
  await h.host.durable.startNew('playbook-sdk-parallel', { instanceId: id, input: incidentInput('new-country-azdo'), version: '0.9.0' });
  const status = await h.settle(id);
  assert.equal(status.runtimeStatus, 'Failed');
  const comments = h.comments('inc-new-country-azdo');
  assert.equal(comments.length, 1);
  assert.match(comments[0]!, /the run was started with version 0\.9\.0 but this app has version 1\.0\.0/);
});

test('a run whose input is not an incident fails loudly', async () => {
  const id = `sdk-bad-input-${++runs}`;
  await h.start('playbook-sdk-parallel', id, { notAnIncident: true });
  const status = await h.settle(id);
  assert.equal(status.runtimeStatus, 'Failed');
  assert.match(JSON.stringify(status.output), /The run input is not \{incident, dryRun\?\}: invalid incident/);
});

test('custom status names the step, the completed steps and the pending approval', async () => {
  const id = `sdk-status-${++runs}`;
  await h.start('playbook-sdk-approval', id, incidentInput('extension-installed-azdo'));
  const status = await h.idle(id);
  assert.deepEqual(
    { ...(status.customStatus as object), approval: undefined },
    { playbook: 'sdk-approval', version: '1.0.0', dryRun: false, step: 'Ask', progress: 0, completedSteps: [], actions: 0, approval: undefined },
  );
  const approval = (status.customStatus as { approval: Record<string, unknown> }).approval;
  assert.equal(approval.id, 'approval-1');
  assert.equal(approval.status, 'pending');
  assert.deepEqual(approval.approvers, ['carol@contoso.com', 'erin@contoso.com']);
  h.clock.advance(2 * 3_600_000);
  const done = await h.settle(id);
  assert.deepEqual((done.customStatus as { completedSteps: string[] }).completedSteps, ['Ask', 'Act on the answer']);
  assert.equal((done.customStatus as { step: string }).step, 'Completed');
});

test('a long playbook keeps its custom status under the 16 KB the Durable extension allows', async () => {
  const id = `sdk-many-steps-${++runs}`;
  await h.start('playbook-sdk-many-steps', id, incidentInput('new-country-azdo'));
  const status = await h.settle(id);
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  const custom = status.customStatus as { step: string; progress: number; completedSteps: string[] };
  assert.ok(JSON.stringify(custom).length * 2 < 16 * 1024, `${JSON.stringify(custom).length} characters`);
  assert.equal(custom.step, 'Completed');
  assert.equal(custom.progress, 300);
  assert.equal(custom.completedSteps.length, 20);
  assert.equal(custom.completedSteps.at(-1), `Step 299 ${'x'.repeat(190)}…`);
  assert.ok(custom.completedSteps[0]!.startsWith('Step 280 '));
});

test('approvers that are not e-mail addresses fail the run as such, before the custom status would outgrow 16 KB', async () => {
  const id = `sdk-quoted-approvers-${++runs}`;
  await h.start('playbook-sdk-quoted-approvers', id, incidentInput('new-country-azdo'));
  const status = await h.settle(id);
  assert.equal(status.runtimeStatus, 'Failed');
  const output = JSON.stringify(status.output);
  assert.match(output, /ctx\.approval: approver 1 of 20 is not an e-mail address/);
  assert.doesNotMatch(output, /custom status|KB/i);
  const custom = status.customStatus as { step: string; approval?: unknown };
  assert.ok(JSON.stringify(custom).length * 2 < 16 * 1024, `${JSON.stringify(custom).length} characters`);
  assert.equal(custom.approval, undefined, 'the approval was never published');
  assert.equal(h.outbox().length, 0, 'nobody was asked');
});

test('a playbook that calls an action it does not declare fails, naming the action', async () => {
  const id = `sdk-undeclared-${++runs}`;
  await h.start('playbook-sdk-undeclared', id, incidentInput('new-country-azdo'));
  const status = await h.settle(id);
  assert.equal(status.runtimeStatus, 'Failed');
  assert.match(h.comments('inc-new-country-azdo').at(-1)!, /Playbook &#39;sdk-undeclared&#39; calls entra\.getUser, which its definition does not list in actions/);
  assert.equal(h.sandbox.calls({ service: 'graph' }).length, 0, 'nothing was called');
});
