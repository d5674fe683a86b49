// A runtime stopped and started again on the same SQLite file continues its instances: timers still fire,
// events raised while it was down are delivered, activities that finished during the stop do not run again,
// and an orchestrator that no longer exists fails clearly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import os from 'node:os';
import path from 'node:path';
import { VirtualClock } from '../../src/host/clock.js';
import { loadApp } from '../../src/host/loadApp.js';
import { newRegistrations } from '../../src/host/coreModule.js';
import { DurableRuntime } from '../../src/host/durable/index.js';
import { distDir, memoryLog } from './helpers.js';

const app = await loadApp(path.join(distDir, 'test/apps/durable'), { main: 'index.js' });

function runtimeOn(storePath: string, clock: VirtualClock, registrations = app.registrations): DurableRuntime {
  return new DurableRuntime({
    registrations,
    hubName: 'RestartHub',
    storePath,
    clock,
    logger: memoryLog(),
    baseUrl: () => 'http://127.0.0.1:0',
    functionKey: 'k',
  });
}

/** Runs `body` with a fresh store file and a virtual clock, then removes the file. */
async function onStore(body: (store: string, clock: VirtualClock) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'durable-restart-'));
  try {
    await body(path.join(dir, 'hub.sqlite'), new VirtualClock(Date.UTC(2026, 0, 1)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('timers and queued events survive a restart', () =>
  onStore(async (store, clock) => {
    const first = runtimeOn(store, clock);
    await first.start();
    const timer = await first.startNew('timer', { input: 5 });
    const waiting = await first.startNew('waitForEvent');
    await first.waitForIdle();
    await first.stop();

    const second = runtimeOn(store, clock);
    await second.raiseEvent(waiting, 'go', 'one'); // accepted before start(), as the HTTP server listens first
    await second.start();
    await second.raiseEvent(waiting, 'go', 'two');
    clock.advance(5 * 3600_000);
    await second.waitForIdle();
    assert.equal((await second.getStatus(timer))?.runtimeStatus, 'Completed');
    assert.deepEqual((await second.getStatus(waiting))?.output, ['one', 'two']);
    await second.stop();
  }));

test('a store written with the earlier history table resumes its instances', () =>
  onStore(async (store, clock) => {
    const first = runtimeOn(store, clock);
    await first.start();
    const waiting = await first.startNew('waitForEvent');
    await first.waitForIdle();
    const before = await first.getHistory(waiting);
    await first.stop();

    // Rewrite the file into the earlier layout: one WITHOUT ROWID row per (instance, seq).
    const db = new DatabaseSync(store);
    db.exec(`CREATE TABLE history (instance_id TEXT NOT NULL, seq INTEGER NOT NULL, events TEXT NOT NULL,
        PRIMARY KEY (instance_id, seq)) WITHOUT ROWID;
      INSERT INTO history SELECT instance_id, ROW_NUMBER() OVER (PARTITION BY instance_id ORDER BY id) - 1, events FROM episodes;
      DROP TABLE episodes;`);
    db.close();

    const second = runtimeOn(store, clock);
    await second.start();
    assert.deepEqual(await second.getHistory(waiting), before);
    await second.raiseEvent(waiting, 'go', 'one');
    await second.raiseEvent(waiting, 'go', 'two');
    await second.waitForIdle();
    assert.equal((await second.getStatus(waiting))?.runtimeStatus, 'Completed');
    assert.deepEqual((await second.getStatus(waiting))?.output, ['one', 'two']);
    await second.stop();
  }));

test('an instance whose orchestrator is no longer registered fails with a clear message', () =>
  onStore(async (store, clock) => {
    const first = runtimeOn(store, clock);
    await first.start();
    const id = await first.startNew('waitForEvent');
    await first.waitForIdle();
    await first.stop();

    const emptyApp = { ...newRegistrations(), programmingModel: app.registrations.programmingModel };
    const second = runtimeOn(store, clock, emptyApp);
    await second.start();
    await second.raiseEvent(id, 'go', 1);
    await second.waitForIdle();
    const status = await second.getStatus(id);
    assert.equal(status?.runtimeStatus, 'Failed');
    assert.equal(status?.output, "The function 'waitForEvent' doesn't exist, is disabled, or is not an orchestrator function.");
    await second.stop();
  }));

test('results of activities that finish while the runtime stops are stored, so they do not run again', () =>
  onStore(async (store, clock) => {
    const first = runtimeOn(store, clock);
    await first.start();
    const id = await first.startNew('slowFanOut', { input: 10 });
    // Stop once the ten activities are dispatched (the first episode committed), while they still run.
    while ((await first.getStatus(id))?.runtimeStatus !== 'Running') await new Promise((resolve) => setImmediate(resolve));
    await first.stop();

    const db = new DatabaseSync(store);
    try {
      assert.equal((db.prepare('SELECT COUNT(*) AS n FROM activities').get() as { n: number }).n, 0, 'no activity left to run again');
      const results = (db.prepare('SELECT body FROM messages').all() as { body: string }[])
        .map((r) => JSON.parse(r.body) as { EventType: number; TaskScheduledId?: number })
        .filter((e) => e.EventType === 5)
        .map((e) => e.TaskScheduledId)
        .sort((a, b) => a! - b!);
      assert.deepEqual(results, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    } finally {
      db.close();
    }

    const second = runtimeOn(store, clock);
    await second.start();
    await second.waitForIdle();
    const status = await second.getStatus(id);
    assert.equal(status?.runtimeStatus, 'Completed');
    assert.equal(status?.output, 10);
    await second.stop();
  }));
