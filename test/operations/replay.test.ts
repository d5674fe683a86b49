// Recorded runs kept as regression tests: a history exported from a real run must replay against the
// current code (assertReplays), and fail, naming the step, against an incompatible edit. The histories were
// exported (GET /api/runs/{id}/history, i.e. `soar export`) from runs of the operations test app; a change to
// what every run schedules (the SDK's start/summary steps) breaks them on purpose: record them again.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { assertReplays, ReplayError } from '../../src/cli/replay.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const recorded = path.resolve(here, '../../../test/operations/histories/ops-approval.history.json');
const labelRun = path.resolve(here, '../../../test/operations/histories/ops-label.history.json');
const app = { appDir: path.join(here, '../apps/operations'), main: 'index.js' };

// @@@SNIPSTART replay-test
test('the recorded ops-approval run replays against the current code', async () => {
  await assertReplays(recorded, app);
});
// @@@SNIPEND

test('replay fails, naming the step, when the code would break the recorded run', async () => {
  // operations-changed swaps the label and comment steps of ops-label.
  const changed = { appDir: path.join(here, '../apps/operations-changed'), main: 'index.js' };
  await assertReplays(labelRun, app);
  await assert.rejects(assertReplays(labelRun, changed), (err: Error) => {
    assert.ok(err instanceof ReplayError);
    assert.match(err.message, /^ops-label\.history\.json: Non-deterministic workflow detected: at step 2 .*'sentinel-addComment'.*'sentinel-updateIncident'/);
    return true;
  });
  await assert.rejects(assertReplays(recorded, changed), /no longer has an orchestration named 'playbook-ops-approval'/);
});

test('a run started under another playbook version does not replay (the SDK refuses it and takes its failure path)', async () => {
  const run = JSON.parse(readFileSync(recorded, 'utf8')) as { customStatus: { version: string }; output: { version: string } };
  run.customStatus.version = '0.9.0';
  run.output.version = '0.9.0';
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'soar-replay-')), 'old.json');
  writeFileSync(file, JSON.stringify(run));
  await assert.rejects(assertReplays(file, app), /Non-deterministic workflow detected: at step 2 the orchestrator now schedules <CallActivity(WithRetry)? 'sentinel-updateIncident'> but history has <TaskScheduled 'sdk-requestApproval'>/);
});
