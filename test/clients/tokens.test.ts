// Cached tokens are renewed before they expire: with tokens that live three seconds, an action a little later
// still authenticates (the sandbox answers 401 to an expired token). Three, not one: on a busy machine a
// one-second token could expire between being issued and reaching the sandbox.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sentinel } from '../../src/actions/index.js';
import { startActionHarness } from '../actions/harness.js';

const h = await startActionHarness({ tokenLifetimeSeconds: 3 });
after(() => h.close());

test('a token about to expire is not reused', async () => {
  await h.run(sentinel.getIncident, { incidentId: 'inc-secret-committed-github' });
  await new Promise((resolve) => setTimeout(resolve, 3200));
  await h.run(sentinel.getIncident, { incidentId: 'inc-secret-committed-github' });
  assert.equal(h.sandbox.calls({ service: 'msi' }).length, 2, 'a second token was requested');
  assert.ok(h.sandbox.calls({ service: 'sentinel' }).every((c) => c.status === 200));
});
