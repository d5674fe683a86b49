// What `soar show` and `soar playbooks` print for the cases a live run rarely produces: a failed step with
// its error, a step still running, retries, a trigger with custom details, and permissions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { permissionSummary, triggerSummary } from '../../src/cli/commands/remote.js';
import { stepLine, timelineText } from '../../src/cli/output.js';
import type { TimelineStep } from '../../src/operations/timeline.js';
import type { RunDetail } from '../../src/operations/runs.js';

test('soar show: every step with its start time, then its result, error or planned input', () => {
  const run: RunDetail = {
    instanceId: 'p-inc-1-create', playbook: 'p', status: 'Running', createdAt: '2026-01-02T03:04:00.000Z', lastUpdatedAt: '2026-01-02T03:04:09.000Z', dryRun: false,
    timeline: [
      { kind: 'action', name: 'github-lockBranch', title: 'Lock branch', status: 'failed', startedAt: '2026-01-02T03:04:05.000Z', endedAt: '2026-01-02T03:04:07.500Z', durationInMs: 2500, attempts: 3, error: 'HTTP 403: Resource not accessible by integration' },
      { kind: 'action', name: 'sentinel-getIncident', title: 'Get incident', status: 'succeeded', startedAt: '2026-01-02T03:04:08.000Z', endedAt: '2026-01-02T03:04:08.020Z', durationInMs: 20, attempts: 1, result: { status: 'New', labels: ['x'.repeat(200)] } },
      { kind: 'event', name: 'approval-1', title: 'Approval', status: 'waiting', startedAt: '2026-01-02T03:04:09.000Z', attempts: 1 },
    ],
  };
  const lines = timelineText(run);
  assert.deepEqual(lines.slice(0, 7), [
    'p · p-inc-1-create · Running · no incident',
    '  started 2026-01-02T03:04:00.000Z, last update 2026-01-02T03:04:09.000Z',
    '  ✗ Lock branch (2.5 s), 3 attempts · started 2026-01-02T03:04:05.000Z',
    '      error: HTTP 403: Resource not accessible by integration',
    '  ✓ Get incident (20 ms) · started 2026-01-02T03:04:08.000Z',
    `      result: ${JSON.stringify({ status: 'New', labels: ['x'.repeat(200)] }).slice(0, 160)}…`,
    '  ⧗ Approval · started 2026-01-02T03:04:09.000Z',
  ]);
  assert.equal(lines.length, 7);
});

test('the live progress line and soar show give a step the same mark, title, duration and attempts', () => {
  const steps: TimelineStep[] = [
    { kind: 'action', name: 'github-lockBranch', title: 'Lock branch', status: 'failed', startedAt: '2026-01-02T03:04:05.000Z', durationInMs: 2500, attempts: 3, error: 'HTTP 403' },
    { kind: 'action', name: 'sentinel-addComment', title: 'Add comment', status: 'planned', startedAt: '2026-01-02T03:04:06.000Z', durationInMs: 61_000, attempts: 1 },
    { kind: 'event', name: 'approval-1', title: 'Approval', status: 'waiting', startedAt: '2026-01-02T03:04:09.000Z', attempts: 1 },
  ];
  assert.deepEqual(steps.map(stepLine), [
    '  ✗ Lock branch (2.5 s), 3 attempts\n      HTTP 403',
    '  ◇ Add comment (1 min 1 s) [planned]',
    '  ⧗ Approval',
  ]);
  const run: RunDetail = { instanceId: 'i', playbook: 'p', status: 'Running', createdAt: 'c', lastUpdatedAt: 'u', dryRun: false, timeline: steps };
  const heads = timelineText(run).filter((line) => / · started /.test(line)).map((line) => line.replace(/ · started .*$/, ''));
  assert.deepEqual(heads, steps.map((s) => stepLine(s).split('\n')[0]!.replace(/ \[planned\]$/, '')));
});

test('soar playbooks: the trigger summary and the permissions of each playbook', () => {
  assert.equal(
    triggerSummary({ enabled: true, analyticRuleIds: ['a', 'b'], customDetails: { Platform: ['GitHub'], Repository: [] }, titlePattern: 'Secret (committed|pushed)', eventTypes: ['Create'] }),
    'analyticRuleIds a, b; customDetails Platform=GitHub, Repository=(present); titlePattern "Secret (committed|pushed)"; eventTypes Create',
  );
  assert.equal(triggerSummary({ enabled: false }), 'no criteria (every incident)');
  assert.equal(
    permissionSummary([
      { api: 'Sentinel', kind: 'azureRole', name: 'Microsoft Sentinel Responder', grantedBy: 'arm' },
      { api: 'GitHub', kind: 'githubAppPermission', name: 'metadata:read', grantedBy: 'manual' },
      { api: 'ACS', kind: 'azureRole', name: 'Communication and Email Service Owner', grantedBy: 'arm' },
      { api: 'GitHub', kind: 'githubAppPermission', name: 'administration:write', grantedBy: 'manual' },
    ]),
    "Sentinel 'Microsoft Sentinel Responder' (deployment); GitHub 'metadata:read', 'administration:write' (manual); ACS 'Communication and Email Service Owner' (deployment)",
  );
  assert.match(permissionSummary(undefined), /^not declared/);
});
