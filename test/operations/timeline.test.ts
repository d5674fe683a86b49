// Timeline derivation from both history shapes: raw DTFx events and the Durable HTTP API's condensed form.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { condenseHistory, deriveTimeline } from '../../src/operations/timeline.js';

const titles = new Map([['github-archiveRepository', 'Archive repository'], ['sentinel-addComment', 'Add incident comment']]);
const titleOf = (name: string): string | undefined => titles.get(name);
const t = (s: number): string => new Date(Date.UTC(2026, 10, 20, 8, 0, s)).toISOString();

test('raw history: a retried action is one step with its attempts, a failed one carries its reason, results are parsed', () => {
  const raw = [
    { EventType: 12, EventId: -1, Timestamp: t(0) },
    { EventType: 0, EventId: -1, Timestamp: t(0), Name: 'playbook-x', Input: '{}' },
    { EventType: 4, EventId: 0, Timestamp: t(0), Name: 'github-archiveRepository' },
    { EventType: 6, EventId: -1, Timestamp: t(2), TaskScheduledId: 0, Reason: "Activity function 'github-archiveRepository' failed: GitHub API 503", Details: 'stack' },
    { EventType: 10, EventId: 1, Timestamp: t(2), FireAt: t(4) },
    { EventType: 11, EventId: -1, Timestamp: t(4), TimerId: 1, FireAt: t(4) },
    { EventType: 4, EventId: 2, Timestamp: t(4), Name: 'github-archiveRepository' },
    { EventType: 5, EventId: -1, Timestamp: t(5), TaskScheduledId: 2, Result: '{"archived":true}' },
    { EventType: 4, EventId: 3, Timestamp: t(5), Name: 'sentinel-addComment' },
    { EventType: 6, EventId: -1, Timestamp: t(6), TaskScheduledId: 3, Reason: 'Sentinel API 403 (remote code: AuthorizationFailed): denied', Details: 'stack' },
    { EventType: 15, EventId: -1, Timestamp: t(7), Name: 'approval-1', Input: '{"decision":"approved","by":"carol@contoso.com"}' },
    { EventType: 4, EventId: 4, Timestamp: t(8), Name: 'custom-activity' },
  ];
  const steps = deriveTimeline(raw, titleOf);
  assert.deepEqual(
    steps.map((s) => [s.kind, s.title, s.status, s.attempts, s.startedAt, s.endedAt, s.durationInMs]),
    [
      ['action', 'Archive repository', 'succeeded', 2, t(0), t(5), 5000],
      ['action', 'Add incident comment', 'failed', 1, t(5), t(6), 1000],
      ['event', "Received event 'approval-1'", 'succeeded', 1, t(7), t(7), 0],
      ['action', 'custom-activity', 'running', 1, t(8), undefined, undefined],
    ],
  );
  assert.deepEqual(steps[0]!.result, { archived: true });
  assert.equal(steps[0]!.error, undefined);
  assert.equal(steps[1]!.error, 'Sentinel API 403 (remote code: AuthorizationFailed): denied');
  assert.deepEqual(steps[2]!.result, { decision: 'approved', by: 'carol@contoso.com' });
});

test('condensed history (Azure showHistory shape): planned results, user timers, pass-through of condensed events', () => {
  const condensed = [
    { EventType: 'ExecutionStarted', FunctionName: 'playbook-x', Timestamp: t(0) },
    { EventType: 'TaskCompleted', FunctionName: 'github-archiveRepository', ScheduledTime: t(0), Timestamp: t(1), Result: { planned: true, action: 'github.archiveRepository' } },
    { EventType: 'TimerCreated', FireAt: t(30), Timestamp: t(1) },
    { EventType: 'TimerFired', FireAt: t(30), Timestamp: t(30) },
    { EventType: 'ExecutionCompleted', OrchestrationStatus: 'Completed', Timestamp: t(31) },
  ];
  assert.equal(condenseHistory(condensed).length, condensed.length);
  const steps = deriveTimeline(condensed, titleOf);
  assert.deepEqual(steps.map((s) => [s.kind, s.status, s.durationInMs]), [['action', 'planned', 1000], ['timer', 'succeeded', 29000]]);
  assert.equal(steps[1]!.title, `Wait until ${t(30)}`);
});
