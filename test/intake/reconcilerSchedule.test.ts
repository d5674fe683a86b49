// A bad RECONCILER_SCHEDULE puts only the reconciler in error, as the Functions host does with a timer whose
// schedule it cannot read: the host starts, says why the timer will not run, and the webhook takes incidents.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { VirtualClock } from '../../src/host/clock.js';
import { fixtureText, IntakeHarness } from './harness.js';

let h: IntakeHarness;
const clock = new VirtualClock(Date.now());
before(async () => {
  h = await IntakeHarness.start({ clock, settings: { RECONCILER_ENABLED: 'true', RECONCILER_SCHEDULE: '0 */5 * * *' } });
});
after(async () => {
  await h?.close();
});

test('with a five-field RECONCILER_SCHEDULE the host starts, names the problem, and the webhook takes incidents', async () => {
  const errors = h.host.logger.lines.filter((l) => l.includes(' ERROR '));
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0]!, /Timer function 'incidentReconciler' is in error and will not run: .*six fields/);
  const res = await h.post(fixtureText('repo-deleted-github'));
  assert.equal(res.status, 202, res.text);
});

test('the timer in error never runs', async () => {
  clock.advance(60 * 60_000);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(h.host.logger.lines.some((l) => l.includes("Executed 'incidentReconciler'")), false);
});
