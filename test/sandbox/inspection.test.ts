import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIENCES, WorldValidationError, type CallRecord, type World } from '../../src/sandbox/index.js';
import { loadWorld } from '../../src/sandbox/world.js';
import { call, startTrustedSandbox, WORKSPACE_PATH, type AzureErrorReply, type GraphErrorReply } from './helpers.js';

const PLANTED = 'ghp_PLANTEDsecretToken0123456789abcdefABCD';

test('inspection: state, calls with a service filter, and reset restoring the seed', async () => {
  const sandbox = await startTrustedSandbox();
  try {
    const seed = structuredClone(sandbox.world());
    const state = await call<World>(sandbox, 'GET', '/_sandbox/state');
    assert.deepEqual(state.json, JSON.parse(JSON.stringify(seed)));

    const graphToken = sandbox.token(AUDIENCES.graph);
    await call(sandbox, 'PATCH', '/graph/v1.0/users/alice@contoso.com', { token: graphToken, body: { accountEnabled: false } });
    await call(sandbox, 'GET', `/arm${WORKSPACE_PATH}/incidents?api-version=2025-09-01`, { token: sandbox.token(AUDIENCES.arm) });
    await call(sandbox, 'GET', '/nowhere');
    sandbox.faults.add({ pathPattern: '^/nothing', status: 503 });

    const calls = (await call<CallRecord[]>(sandbox, 'GET', '/_sandbox/calls?service=graph')).json;
    assert.equal(calls.length, 1);
    assert.deepEqual(Object.keys(calls[0]).sort(), ['durationMs', 'host', 'method', 'path', 'service', 'status', 'time']);
    assert.equal(calls[0].method, 'PATCH');
    assert.equal(calls[0].path, '/graph/v1.0/users/alice@contoso.com');
    assert.equal(calls[0].status, 204);
    assert.equal(calls[0].host, new URL(sandbox.url).host);
    assert.deepEqual(sandbox.calls().map((c) => `${c.service} ${c.status}`), ['graph 204', 'sentinel 200', '- 404']);
    assert.equal(sandbox.world().graph.users.find((u) => u.id.startsWith('a1'))?.accountEnabled, false);

    assert.equal((await call(sandbox, 'POST', '/_sandbox/reset')).status, 204);
    assert.deepEqual(sandbox.world(), seed);
    assert.deepEqual(sandbox.calls(), []);
    assert.deepEqual(sandbox.faults.list(), []);
    assert.equal((await call(sandbox, 'GET', '/_sandbox/nope')).status, 404);

    // Unknown routes answer in the emulator's own error shape.
    const graphMissing = await call<GraphErrorReply>(sandbox, 'GET', '/graph/v1.0/groups', { token: graphToken });
    assert.equal(graphMissing.status, 404);
    assert.equal(graphMissing.json.error.code, 'NotFound');
    assert.ok(graphMissing.json.error.innerError);
    const armWrongMethod = await call<AzureErrorReply>(sandbox, 'DELETE', `/arm${WORKSPACE_PATH}/incidents/inc-repo-deleted-github?api-version=2025-09-01`);
    assert.equal(armWrongMethod.status, 405);
    assert.equal(armWrongMethod.json.error.code, 'MethodNotAllowed');
    const unmounted = await call<AzureErrorReply>(sandbox, 'GET', '/emails');
    assert.deepEqual(unmounted.json, { error: { code: 'NotFound', message: "No sandbox service is mounted at '/emails'." } });
  } finally {
    await sandbox.close();
  }
});

test('inspection: a planted secret in a query, a header or a body appears in no call record and no log line', async () => {
  const lines: string[] = [];
  const sandbox = await startTrustedSandbox({ log: (line) => lines.push(line) });
  try {
    const armToken = sandbox.token(AUDIENCES.arm);
    const identity = sandbox.appSettings.IDENTITY_HEADER as string;
    await call(sandbox, 'GET', `/arm${WORKSPACE_PATH}/incidents?api-version=2025-09-01&token=${PLANTED}&$filter=${encodeURIComponent(`properties/title eq '${PLANTED}'`)}`, {
      token: armToken,
      headers: { 'x-planted': PLANTED },
    });
    await call(sandbox, 'GET', `/msi/token?api-version=2019-08-01&resource=https://graph.microsoft.com&client_secret=${PLANTED}`, { headers: { 'x-identity-header': identity } });
    await call(sandbox, 'POST', `/github/credentials/revoke?access_token=${PLANTED}`, { body: { credentials: [PLANTED] } });
    await call(sandbox, 'GET', `/graph/v1.0/users/alice@contoso.com?code=${PLANTED}`, { token: PLANTED });
    sandbox.faults.add({ pathPattern: '^/graph/', status: 429, count: 1 });
    await call(sandbox, 'GET', `/graph/v1.0/users/alice@contoso.com?sig=${PLANTED}`, { token: PLANTED });

    const recorded = JSON.stringify(sandbox.calls()) + (await call<CallRecord[]>(sandbox, 'GET', '/_sandbox/calls')).json.map((c: object) => JSON.stringify(c)).join('');
    assert.equal(sandbox.calls().length, 5);
    assert.ok(lines.length >= 5);
    for (const secret of [PLANTED, armToken, identity, armToken.split('.')[2] as string]) {
      assert.equal(recorded.includes(secret), false, 'secret in /_sandbox/calls');
      assert.equal(lines.some((l) => l.includes(secret)), false, 'secret in a log line');
    }
    assert.ok(sandbox.calls().some((c) => c.path === `/arm${WORKSPACE_PATH}/incidents?api-version=2025-09-01`));
  } finally {
    await sandbox.close();
  }
});

test('world: a world file overrides single slices; bad worlds name every invalid path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-world-'));
  try {
    const file = join(dir, 'world.json');
    const graph = { users: [{ id: 'u1', userPrincipalName: 'zoe@contoso.com', displayName: 'Zoe', mail: 'zoe@contoso.com', accountEnabled: true }] };
    await writeFile(file, JSON.stringify({ graph }));
    const sandbox = await startTrustedSandbox({ world: file });
    try {
      assert.deepEqual(sandbox.world().graph.users.map((u) => u.userPrincipalName), ['zoe@contoso.com']);
      assert.equal(sandbox.world().sentinel.incidents.length, 12);
      const graphToken = sandbox.token(AUDIENCES.graph);
      assert.equal((await call(sandbox, 'GET', '/graph/v1.0/users/zoe@contoso.com', { token: graphToken })).status, 200);
    } finally {
      await sandbox.close();
    }

    assert.throws(
      () => loadWorld({ sentinel: { subscriptionId: 's', resourceGroup: 'r', workspaceName: 'w', workspaceId: 'i', incidents: [{ name: 'x', etag: 'e', properties: { title: '', severity: 'Severe', status: 'New' } }] }, mail: {} }),
      (err: unknown) => {
        assert.ok(err instanceof WorldValidationError);
        const paths = err.issues.map((i) => i.path);
        assert.ok(paths.includes('mail'));
        assert.ok(paths.includes('sentinel.incidents.0.properties.title'));
        assert.ok(paths.includes('sentinel.incidents.0.properties.severity'));
        assert.ok(paths.includes('sentinel.incidents.0.properties.incidentNumber'));
        assert.match(err.message, /sentinel\.incidents\.0\.properties\.severity: /);
        return true;
      },
    );
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ not json');
    assert.throws(() => loadWorld(broken), (err: unknown) => err instanceof WorldValidationError && err.message.includes(broken));
    assert.throws(() => loadWorld([] as unknown as object), WorldValidationError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
