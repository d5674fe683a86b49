// SIGKILL the local host while 200 orchestrations are in flight, restart it on the same SQLite file: every
// instance completes with the right output, and no activity whose result was stored before the kill runs again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import os from 'node:os';
import path from 'node:path';
import { runChild, spawnChild } from './processes.js';

const instances = 200;
const steps = 4;

function sideEffects(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : [];
}

/** Keys of activities whose results were durably recorded (in history, or queued for the orchestrator). */
function completedKeys(store: string): Set<string> {
  const db = new DatabaseSync(store);
  try {
    const keys = new Set<string>();
    type Event = { EventType: number; Result?: string };
    const events = [
      ...(db.prepare('SELECT events FROM episodes ORDER BY id').all() as { events: string }[]).flatMap((r) => JSON.parse(r.events) as Event[]),
      ...(db.prepare("SELECT body FROM messages WHERE kind = 'event'").all() as { body: string }[]).map((r) => JSON.parse(r.body) as Event),
    ];
    for (const event of events) if (event.EventType === 5) keys.add(JSON.parse(event.Result!) as string);
    return keys;
  } finally {
    db.close();
  }
}

test('after SIGKILL and restart all 200 orchestrations complete and no completed activity runs twice', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'durable-crash-'));
  try {
    const store = path.join(dir, 'hub.sqlite');
    const file = path.join(dir, 'side-effects.log');
    const child = spawnChild(['host', 'test/apps/durableCrash', store, String(instances), String(steps), file, 'start']);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Kill once a good part of the work (but not all) has run.
    while (sideEffects(file).length < (instances * steps) / 3) {
      if (child.exitCode !== null) assert.fail(`the host exited early: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');

    const before = completedKeys(store);
    const ranBefore = sideEffects(file).length;
    assert.ok(before.size > 0 && before.size < instances * steps, `completed at kill: ${before.size}`);

    assert.match(await runChild(['host', 'test/apps/durableCrash', store, String(instances), String(steps), file, 'resume']), /done/);

    const db = new DatabaseSync(store);
    const rows = db.prepare("SELECT id, status, output FROM instances WHERE name = 'crashChain'").all() as {
      id: string;
      status: string;
      output: string;
    }[];
    db.close();
    assert.equal(rows.length, instances);
    for (const row of rows) {
      assert.equal(row.status, 'Completed');
      assert.deepEqual(JSON.parse(row.output), Array.from({ length: steps }, (_, s) => `${row.id}:${s}`));
    }
    const counts = new Map<string, number>();
    for (const key of sideEffects(file)) counts.set(key, (counts.get(key) ?? 0) + 1);
    assert.equal(counts.size, instances * steps);
    for (const key of before) assert.equal(counts.get(key), 1, `completed activity ${key} ran again`);
    // Only activities that were running at the kill may have run twice (at-least-once).
    const repeated = [...counts].filter(([, n]) => n > 1);
    assert.ok(repeated.every(([key, n]) => n === 2 && !before.has(key)));
    assert.ok(ranBefore >= before.size);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
