// An orchestrator changed between runs: version A runs an instance up to its approval wait in one process;
// version B, in another process on the same SQLite file, replays it and fails it, naming the step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runChild } from './processes.js';

test('changing an orchestrator between runs fails the instance with the step and both actions named', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'durable-nd-'));
  try {
    const store = path.join(dir, 'hub.sqlite');
    const first = JSON.parse(
      await runChild(['runtime', 'test/apps/durableVersionA', store, 'start', 'incidentFlow', 'incident-7']),
    ) as { runtimeStatus: string };
    assert.equal(first.runtimeStatus, 'Running');

    const second = JSON.parse(
      await runChild(['runtime', 'test/apps/durableVersionB', store, 'raise', 'incident-7', 'approval']),
    ) as { runtimeStatus: string; output: string };
    assert.equal(second.runtimeStatus, 'Failed');
    assert.equal(
      second.output,
      "Non-deterministic workflow detected: at step 1 the orchestrator now schedules <CallActivity 'revokeTokens'> " +
        "but history has <TaskScheduled 'collectEvidence'>. Was the orchestrator code changed while this instance was running?",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
