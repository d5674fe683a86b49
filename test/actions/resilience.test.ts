// Cross-cutting behaviour of the clients under the actions: one token request per audience, throttling and
// transient faults absorbed, permanent failures surfaced once, and credentials never leaking.

import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { azdo, email, entra, github, sentinel, type AnyAction } from '../../src/actions/index.js';
import { RemoteApiError } from '../../src/clients/errors.js';
import { rejection, startActionHarness } from './harness.js';

const h = await startActionHarness();
after(() => h.close());

const INCIDENT = 'inc-secret-committed-github';
const repo = { owner: 'contoso', repo: 'payments-api' };
const incident = () => h.sandbox.world().sentinel.incidents.find((i) => i.name === INCIDENT)!;

describe('clients are built once per process', () => {
  // First in the file: no token has been requested yet.
  test('100 concurrent actions against one resource cost one token request', async () => {
    h.sandbox.reset();
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        h.run((i % 2 === 0 ? sentinel.getIncident : sentinel.addComment) as AnyAction, { incidentId: INCIDENT, html: `<p>${i}</p>` }),
      ),
    );
    const tokenCalls = h.sandbox.calls({ service: 'msi' });
    assert.equal(tokenCalls.length, 1, 'one managed-identity token request');
    assert.equal(h.sandbox.calls({ service: 'sentinel' }).length, 100);
    assert.equal(incident().comments.length, 50);
  });

  test('20 GitHub actions cost one installation-token request', async () => {
    h.sandbox.reset();
    for (let i = 0; i < 20; i++) {
      await h.run((i % 2 === 0 ? github.getRepositoryOwners : github.lockBranch) as AnyAction, { ...repo, branch: 'main' });
    }
    const tokenRequests = h.sandbox.calls({ service: 'github' }).filter((c) => /\/app\/installations\/\d+\/access_tokens$/.test(c.path));
    assert.equal(tokenRequests.length, 1, 'one installation token request');
  });
});

describe('identity', () => {
  test('a user-assigned identity (AZURE_CLIENT_ID) gets its own credential and token', async () => {
    h.sandbox.reset();
    process.env.AZURE_CLIENT_ID = 'f7000000-0000-4000-8000-000000000007';
    try {
      await h.run(sentinel.getIncident, { incidentId: INCIDENT });
      await h.run(sentinel.getIncident, { incidentId: INCIDENT });
    } finally {
      delete process.env.AZURE_CLIENT_ID;
    }
    assert.equal(h.sandbox.calls({ service: 'msi' }).length, 1);
  });

  test('a dry run plans side effects and makes no call, but runs reads', async () => {
    h.sandbox.reset();
    const planned = await h.run(github.archiveRepository, repo, { dryRun: true });
    assert.deepEqual(planned, { planned: true, action: 'github.archiveRepository', title: 'Archive repository', input: repo });
    assert.equal(h.sandbox.calls({ service: 'github' }).length, 0);
    const read = (await h.run(sentinel.getIncident, { incidentId: INCIDENT }, { dryRun: true })) as { name: string };
    assert.equal(read.name, INCIDENT);
  });
});

describe('faults', () => {
  beforeEach(() => h.sandbox.reset());

  test('with 20% of calls faulted (429, 503, resets; seeded), 100 mixed actions all succeed', async () => {
    const remote = '^/(arm|graph|github|azdo|emails)';
    h.sandbox.faults.add({ pathPattern: remote, status: 429, retryAfterSeconds: 0, rate: 0.1, seed: 11 });
    h.sandbox.faults.add({ pathPattern: remote, status: 503, rate: 0.06, seed: 12 });
    h.sandbox.faults.add({ pathPattern: remote, reset: true, rate: 0.05, seed: 13 });

    const mix: Array<[AnyAction, unknown]> = [
      [sentinel.getIncident, { incidentId: INCIDENT }],
      [sentinel.addComment, { incidentId: INCIDENT, html: '<p>batch</p>' }],
      [sentinel.updateIncident, { incidentId: INCIDENT, labelsToAdd: ['batch'] }],
      [entra.getManager, { user: 'alice@contoso.com' }],
      [entra.revokeSignInSessions, { user: 'dave@contoso.com' }],
      [email.sendEmail, { to: [{ address: 'alice@contoso.com' }], subject: 'Batch', html: '<p>x</p>', plainText: 'x' }],
      [github.getRepositoryOwners, repo],
      [github.lockBranch, { ...repo, branch: 'main' }],
      [azdo.enablePolicy, { project: 'Payments', policyId: 12 }],
      [azdo.getProjectAdministrators, { project: 'Payments' }],
    ];
    for (let i = 0; i < 100; i++) {
      const [action, input] = mix[i % mix.length]!;
      await h.run(action, input, { instanceId: 'batch', stepKey: `step-${i}` }).catch((error: Error) => {
        const recent = h.sandbox.calls().slice(-8).map((c) => `${c.method} ${c.path} ${c.status} ${c.fault ?? ''}`);
        throw new Error(`call ${i} (${action.name}) failed: ${error.message}\n${recent.join('\n')}`);
      });
    }

    const world = h.sandbox.world();
    assert.equal(incident().comments.length, 10);
    assert.ok(incident().properties.labels.some((l) => l.labelName === 'batch'));
    assert.equal(world.email.outbox.length, 10);
    assert.equal(world.github.repos.find((r) => r.name === 'payments-api')!.branches[0]!.protection?.lockBranch, true);
    assert.equal(world.azdo.organizations[0]!.policyConfigurations.find((p) => p.id === 12)!.isEnabled, true);
    const faulted = h.sandbox.calls().filter((c) => c.fault === 'status' || c.fault === 'reset');
    const total = h.sandbox.calls().filter((c) => c.service !== 'msi').length;
    assert.ok(faulted.length >= total * 0.12, `about a fifth of ${total} calls were faulted (${faulted.length})`);
    assert.ok(faulted.some((c) => c.fault === 'reset') && faulted.some((c) => c.status === 429) && faulted.some((c) => c.status === 503));
  });

  test('a permanent 403 fails once, promptly, naming the API, status and remote code', async () => {
    h.sandbox.faults.add({ service: 'graph', pathPattern: '/revokeSignInSessions$', status: 403, body: 'Insufficient privileges to complete the operation.' });
    const started = Date.now();
    const error = await rejection(h.run(entra.revokeSignInSessions, { user: 'alice@contoso.com' }));
    assert.ok(Date.now() - started < 5000, 'promptly: no Retry-After or backoff wait');
    assert.ok(error instanceof RemoteApiError);
    assert.equal(error.message, 'Graph API 403 (remote code: Forbidden): Insufficient privileges to complete the operation.');
    assert.equal(error.retryable, false);
    assert.equal(h.sandbox.calls({ service: 'graph' }).length, 1);
  });

  test('a Retry-After longer than the bound is not waited for: the action fails retryable, promptly', async () => {
    h.sandbox.faults.add({ service: 'graph', pathPattern: '/users/', status: 429, retryAfterSeconds: 120 });
    const started = Date.now();
    const error = await rejection(h.run(entra.getUser, { user: 'alice@contoso.com' }));
    assert.ok(Date.now() - started < 5000, 'the 120 s Retry-After was not waited for');
    assert.ok(error instanceof RemoteApiError);
    assert.equal(error.status, 429);
    assert.equal(error.retryable, true, 'the durable retry policy takes over');
  });

  test('Retry-After is honoured by the fetch helper', async () => {
    h.sandbox.faults.add({ service: 'azdo', pathPattern: '/_apis/projects/', status: 429, retryAfterSeconds: 1, count: 1 });
    const started = Date.now();
    await h.run(azdo.getProjectAdministrators, { project: 'Payments' });
    assert.ok(Date.now() - started >= 1000);
  });
});

describe('credentials never leak', () => {
  const planted = `ghp_${'Planted0Secret1Token2'.repeat(2)}`;

  test('a planted GitHub token used in requests appears in no log line, error message or calls entry', async () => {
    h.sandbox.reset();
    // Authenticate with the planted token instead of the GitHub App.
    const appId = process.env.GITHUB_APP_ID;
    delete process.env.GITHUB_APP_ID;
    process.env.GITHUB_TOKEN = planted;
    h.sandbox.world().github.tokens.push({ kind: 'pat', token: planted, login: 'erin-gh' });
    const messages: string[] = [];
    try {
      await h.run(github.lockBranch, { ...repo, branch: 'main' });
      assert.equal(h.sandbox.world().github.repos[0]!.branches[0]!.protection?.lockBranch, true, 'the planted token was used');
      // A server that echoes the credential back in its error body.
      h.sandbox.faults.add({ service: 'github', pathPattern: '/collaborators/', status: 403, body: `Token ${planted} may not do this` });
      const error = await rejection(h.run(github.removeCollaborator, { ...repo, username: 'mallory-gh' }));
      messages.push(error.message, String(error.stack));
      // And one through the Azure side, whose requests carry the identity header secret.
      h.sandbox.faults.add({ service: 'graph', pathPattern: '/users/', status: 401, body: `bad header ${process.env.IDENTITY_HEADER}` });
      const azureError = await rejection(h.run(entra.getUser, { user: 'alice@contoso.com' }));
      messages.push(azureError.message, String(azureError.stack));
    } finally {
      if (appId !== undefined) process.env.GITHUB_APP_ID = appId;
      delete process.env.GITHUB_TOKEN;
    }
    const secrets = [planted, process.env.IDENTITY_HEADER!];
    const haystacks = { logs: h.logs.join('\n'), errors: messages.join('\n'), calls: JSON.stringify(h.sandbox.calls()) };
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of secrets) assert.ok(!text.includes(secret), `a secret leaked into ${where}`);
    }
    assert.match(messages[0]!, /\[REDACTED\]/);
  });
});
