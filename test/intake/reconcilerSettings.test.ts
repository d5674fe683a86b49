// A bad reconciler setting must not keep the app from starting (in Azure every function, the webhook included,
// would fail to load): the timer reports it on each tick and does nothing else.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { VirtualClock } from '../../src/host/clock.js';
import { fixtureText, IntakeHarness } from './harness.js';

let h: IntakeHarness;
const clock = new VirtualClock(Date.now());
before(async () => {
  h = await IntakeHarness.start({
    clock,
    settings: { RECONCILER_ENABLED: 'true', RECONCILER_SCHEDULE: '0 */5 * * * *', RECONCILER_GRACE_MINUTES: '10m', RECONCILER_LOOKBACK_MINUTES: '1e3' },
  });
});
after(async () => {
  await h?.close();
});

/** The lines of the next reconciler tick, once it has finished. */
async function tick(): Promise<string[]> {
  const seen = h.host.logger.lines.length;
  clock.advance(5 * 60_000);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const lines = h.host.logger.lines.slice(seen);
    if (lines.some((l) => l.includes("Executed 'incidentReconciler'"))) return lines;
    if (Date.now() > deadline) throw new Error(`no reconciler tick:\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('with an invalid reconciler setting the host starts and the webhook takes incidents', async () => {
  const res = await h.post(fixtureText('repo-deleted-github'));
  assert.equal(res.status, 202, res.text);
});

test('each tick reports every invalid setting (name, value, what is expected) as an error and does nothing else', async () => {
  for (let i = 0; i < 2; i++) {
    const lines = await tick();
    const errors = lines.filter((l) => l.includes('ERROR [incidentReconciler]'));
    assert.deepEqual(
      errors.map((l) => l.replace(/^\[[^\]]+\] ERROR \[incidentReconciler\] /, '')),
      [
        'Reconciler not run: setting RECONCILER_LOOKBACK_MINUTES is "1e3"; expected a whole number of minutes (digits only).',
        'Reconciler not run: setting RECONCILER_GRACE_MINUTES is "10m"; expected a whole number of minutes (digits only).',
      ],
    );
    assert.ok(lines.some((l) => /Executed 'incidentReconciler' \(Succeeded/.test(l)), lines.join('\n'));
    assert.equal(lines.some((l) => l.includes('Reconciler:')), false, 'no pass ran');
  }
});
