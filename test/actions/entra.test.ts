import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { entra } from '../../src/actions/index.js';
import { RemoteApiError } from '../../src/clients/errors.js';
import type { World } from '../../src/sandbox/index.js';
import { describeActionCases, rejection, startActionHarness } from './harness.js';

const h = await startActionHarness();
after(() => h.close());

const ALICE = 'a1000000-0000-4000-8000-000000000001';
const BOB = 'b2000000-0000-4000-8000-000000000002';
const user = (world: World, id: string) => world.graph.users.find((u) => u.id === id)!;

describeActionCases(h, [
  {
    action: entra.getUser,
    input: { user: 'alice@contoso.com' },
    fault: { service: 'graph', method: 'GET', path: /\/users\/alice(@|%40)contoso\.com$/ },
    verify(output) {
      assert.deepEqual(output, {
        id: ALICE,
        displayName: 'Alice Anders',
        userPrincipalName: 'alice@contoso.com',
        mail: 'alice@contoso.com',
        accountEnabled: true,
      });
    },
    snapshot: (world) => user(world, ALICE),
  },
  {
    action: entra.getManager,
    input: { user: ALICE },
    fault: { service: 'graph', method: 'GET', path: /\/users\/[^/]+\/manager$/ },
    verify(output) {
      const manager = (output as { manager: { id: string; mail: string } | null }).manager;
      assert.equal(manager?.id, BOB);
      assert.equal(manager?.mail, 'bob@contoso.com');
    },
    snapshot: (world) => user(world, ALICE),
  },
  {
    action: entra.revokeSignInSessions,
    input: { user: 'alice@contoso.com' },
    fault: { service: 'graph', method: 'POST', path: /\/revokeSignInSessions$/ },
    verify(output, world) {
      assert.deepEqual(output, { user: 'alice@contoso.com', revoked: true });
      assert.ok(user(world, ALICE).signInSessionsValidFromDateTime, 'sessions issued before now are invalid');
      assert.equal(user(world, BOB).signInSessionsValidFromDateTime, undefined);
    },
    // Revoking again only moves the cut-off: sessions stay revoked, nothing else changes.
    snapshot: (world) => world.graph.users.map((u) => [u.id, u.accountEnabled, u.signInSessionsValidFromDateTime !== undefined]),
  },
  {
    action: entra.disableAccount,
    input: { user: ALICE },
    fault: { service: 'graph', method: 'PATCH', path: /\/users\/[^/]+$/ },
    verify(output, world) {
      assert.deepEqual(output, { user: ALICE, accountEnabled: false });
      assert.equal(user(world, ALICE).accountEnabled, false);
      assert.equal(user(world, BOB).accountEnabled, true);
    },
    snapshot: (world) => world.graph.users.map((u) => [u.id, u.accountEnabled]),
  },
  {
    action: entra.confirmCompromised,
    input: { user: 'alice@contoso.com' },
    fault: { service: 'graph', method: 'POST', path: /\/confirmCompromised$/ },
    verify(output, world) {
      assert.deepEqual(output, { userId: ALICE });
      const risky = world.graph.riskyUsers.filter((r) => r.id === ALICE);
      assert.equal(risky.length, 1);
      assert.equal(risky[0]!.riskState, 'confirmedCompromised');
    },
    snapshot: (world) => world.graph.riskyUsers.map((r) => [r.id, r.riskState, r.riskLevel]),
  },
]);

describe('entra', () => {
  beforeEach(() => h.sandbox.reset());

  test('a user without a manager has manager null', async () => {
    assert.deepEqual(await h.run(entra.getManager, { user: 'erin@contoso.com' }), { manager: null });
  });

  test('an unknown user is a 404 with Graph code Request_ResourceNotFound, not retried', async () => {
    const attempts = [
      () => h.run(entra.getUser, { user: 'nobody@contoso.com' }),
      () => h.run(entra.getManager, { user: 'nobody@contoso.com' }),
      () => h.run(entra.disableAccount, { user: 'nobody@contoso.com' }),
    ];
    for (const attempt of attempts) {
      h.sandbox.reset();
      const error = await rejection(attempt());
      assert.ok(error instanceof RemoteApiError, error.message);
      assert.deepEqual([error.api, error.status, error.remoteCode], ['Graph', 404, 'Request_ResourceNotFound']);
      assert.match(error.message, /^Graph API 404 \(remote code: Request_ResourceNotFound\): /);
      const paths = h.sandbox.calls({ service: 'graph' }).map((c) => `${c.method} ${c.path}`);
      assert.equal(new Set(paths).size, paths.length, `no request was retried: ${paths.join(', ')}`);
    }
  });

  test('a user reference cannot smuggle a path', async () => {
    const error = await rejection(h.run(entra.disableAccount, { user: 'alice@contoso.com/manager' }));
    assert.equal(error.name, 'ValidationError');
    assert.equal(h.sandbox.calls().length, 0);
  });
});
