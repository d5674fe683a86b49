// The SDK's custom status stays under the Durable extension's 16 KB limit (an orchestration whose custom
// status is larger fails in Azure), whatever the playbook names its steps and asks its approvers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boundCustomStatus, checkApprovalRequest, customStatusBudget, maxListedSteps, type RunCustomStatus } from '../../src/sdk/context.js';
import { maxApproverLength, maxApprovers, maxQuestionLength } from '../../src/sdk/sdkActions.js';

const extensionLimitBytes = 17 * 1024; // the extension rounds the UTF-16 size down to whole KB: 16.99 KB passes

function base(overrides: Partial<RunCustomStatus> = {}): RunCustomStatus {
  return { playbook: 'p', version: '1.0.0', dryRun: false, step: 'Now', progress: 0, completedSteps: [], actions: 0, ...overrides };
}

test('a small status is published as it is', () => {
  const status = base({ completedSteps: ['a', 'b'], progress: 2, step: 'c' });
  assert.deepEqual(boundCustomStatus(status), status);
});

test('long step names are cut and only the most recent completed steps are listed', () => {
  const steps = Array.from({ length: 500 }, (_, i) => `Step ${i} ${'é'.repeat(1000)}`);
  const bounded = boundCustomStatus(base({ completedSteps: steps, progress: 500, step: 'z'.repeat(5000) }));
  const json = JSON.stringify(bounded);
  assert.ok(json.length <= customStatusBudget, `${json.length}`);
  assert.ok(json.length * 2 < extensionLimitBytes);
  assert.equal(bounded.progress, 500);
  assert.equal(bounded.step.length, 200);
  assert.ok(bounded.completedSteps.length > 0 && bounded.completedSteps.length <= maxListedSteps);
  assert.ok(bounded.completedSteps.at(-1)!.startsWith('Step 499 '));
});

test('the largest approval ctx.approval accepts still fits, approvers uncut; a question JSON inflates is shortened', () => {
  const approvers = Array.from({ length: maxApprovers }, (_, i) => `${String(i).padStart(2, '0')}${'a'.repeat(maxApproverLength - 14)}@contoso.com`);
  assert.ok(approvers.every((a) => a.length === maxApproverLength));
  const status = base({
    step: 's'.repeat(1000),
    completedSteps: Array.from({ length: 50 }, () => 'c'.repeat(1000)),
    approval: {
      id: 'approval-1',
      question: '"\u0001'.repeat(maxQuestionLength / 2), // 2000 characters, 7000 once JSON escapes them
      approvers,
      status: 'approved',
      deadline: '2026-01-01T00:00:00.000Z',
      by: 'b'.repeat(10_000),
    },
  });
  const bounded = boundCustomStatus(status);
  const json = JSON.stringify(bounded);
  assert.ok(json.length <= customStatusBudget, `${json.length}`);
  assert.ok(json.length * 2 < extensionLimitBytes);
  assert.deepEqual(bounded.approval?.approvers, approvers);
  assert.ok(bounded.approval!.question.length < maxQuestionLength && bounded.approval!.question.endsWith('…'));
  assert.equal(bounded.approval?.by?.length, maxApproverLength);
  // The input is not changed.
  assert.equal(status.approval?.question.length, maxQuestionLength);
  assert.equal(status.completedSteps.length, 50);
});

test('ctx.approval refuses what would not fit: more than 20 approvers, an over-long address or question', () => {
  const ok = { approvers: ['a@contoso.com'], question: 'q?', timeoutInMs: 1000 };
  assert.doesNotThrow(() => checkApprovalRequest(ok));
  assert.throws(() => checkApprovalRequest({ ...ok, approvers: [] }), /1 to 20 approvers \(got 0\)/);
  assert.throws(() => checkApprovalRequest({ ...ok, approvers: Array.from({ length: 21 }, (_, i) => `${i}@contoso.com`) }), /got 21/);
  assert.throws(() => checkApprovalRequest({ ...ok, approvers: [`${'a'.repeat(250)}@contoso.com`] }), /longer than 254/);
  assert.throws(() => checkApprovalRequest({ ...ok, question: 'q'.repeat(2001) }), /question is longer than 2000 characters/);
});

test('ctx.approval refuses approvers that are not e-mail addresses, as sdk.requestApproval would, before they reach the status', () => {
  const ok = { approvers: ['a@contoso.com'], question: 'q?', timeoutInMs: 1000 };
  // 20 approvers of 254 characters, mostly '"' (two characters each once JSON escapes them): over 16 KB as status.
  const quoted = Array.from({ length: maxApprovers }, (_, i) => `${String(i).padStart(2, '0')}${'"'.repeat(maxApproverLength - 14)}@contoso.com`);
  assert.ok(quoted.every((a) => a.length === maxApproverLength));
  assert.ok(JSON.stringify(quoted).length * 2 > extensionLimitBytes, 'as status, these approvers alone would fail the run');
  assert.throws(() => checkApprovalRequest({ ...ok, approvers: quoted }), /^Error: ctx\.approval: approver 1 of 20 is not an e-mail address$/);
  assert.throws(() => checkApprovalRequest({ ...ok, approvers: ['a@contoso.com', 'carol'] }), /approver 2 of 2 is not an e-mail address/);
  assert.throws(() => checkApprovalRequest({ ...ok, approvers: ['a@contoso.com', 'b@contoso.com', ''] }), /approver 3 of 3 is not an e-mail address/);
});
