// Contract tests: golden histories fed to the real durable-functions handler (the exact OrchestratorState it
// returns) and to the host's extension-side replay (the ids and new work it derives). An upgrade of
// durable-functions that changes the out-of-proc protocol fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadApp } from '../../src/host/loadApp.js';
import { invokeOrchestrator } from '../../src/host/durable/invokeOrchestrator.js';
import { replayHistory } from '../../src/host/durable/replay.js';
import type { HistoryEvent, OrchestratorState } from '../../src/host/durable/history.js';
import { distDir, repoRoot } from './helpers.js';

interface Golden {
  description: string;
  orchestrator: string;
  instanceId: string;
  /** The execution's id, where the host derives ids from it (unnamed sub-orchestrations). */
  executionId?: string;
  input: unknown;
  history: HistoryEvent[];
  expectedState: OrchestratorState;
  expectedHost: { newEvents: Partial<HistoryEvent>[]; blocked: boolean; continueAsNewInput?: string; failure?: string };
}

const goldenDir = path.join(repoRoot, 'test/durable/golden');
const goldens = readdirSync(goldenDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ file: f, golden: JSON.parse(readFileSync(path.join(goldenDir, f), 'utf8')) as Golden }));

const app = await loadApp(path.join(distDir, 'test/apps/durableContract'), { main: 'index.js' });

test('the goldens cover every protocol scenario', () => {
  const names = goldens.map((g) => g.file);
  for (const required of [
    'sequence-completed',
    'fan-out-fan-in',
    'retry-succeeds',
    'retry-fails-final-timer',
    'retry-fails',
    'timer-fired',
    'long-timer-next-slice',
    'long-timer-last-slice',
    'external-event-buffered',
    'sub-orchestration-completed',
    'continue-as-new',
    'non-determinism',
  ]) {
    assert.ok(names.includes(`${required}.json`), `missing golden ${required}`);
  }
});

for (const { file, golden } of goldens) {
  test(`golden ${file}: ${golden.description}`, async () => {
    const { episode, host } = await replayHistory(app.registrations, golden.orchestrator, golden.history, {
      instanceId: golden.instanceId,
      input: golden.input,
      ...(golden.executionId ? { executionId: golden.executionId } : {}),
    });
    assert.equal(episode.kind, 'state');
    assert.deepEqual(episode.kind === 'state' ? episode.state : undefined, golden.expectedState);
    assert.ok(host);
    assert.deepEqual(
      host.newEvents.map(({ IsPlayed: _p, Timestamp: _t, ...rest }) => rest),
      golden.expectedHost.newEvents,
    );
    assert.equal(host.blocked, golden.expectedHost.blocked);
    assert.equal(host.continueAsNewInput, golden.expectedHost.continueAsNewInput);
    assert.equal(host.failure, golden.expectedHost.failure);
  });
}

test('the handler rejects a payload without the fields the extension always sends', async () => {
  const result = await invokeOrchestrator(
    app.registrations,
    'contractSequence',
    { historyJson: '[]', inputJson: null, instanceId: 'x', parentInstanceId: null },
    () => undefined,
  );
  assert.equal(result.kind, 'crash');
  assert.match(result.kind === 'crash' ? result.message : '', /OrchestratorStarted/);
});
