import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManagedIdentityCredential } from '@azure/identity';
import { AUDIENCES, type Sandbox } from '../../src/sandbox/index.js';
import type { GraphUser } from '../../src/sandbox/world.js';
import { call, startTrustedSandbox, useSandboxIdentity, type GraphErrorReply } from './helpers.js';

/** A Graph user as returned: the default properties or exactly the $select ones, with the OData annotations. */
type GraphUserReply = Partial<GraphUser> & { '@odata.context': string; '@odata.type'?: string };

const ALICE = 'a1000000-0000-4000-8000-000000000001';
let sandbox: Sandbox;
let token: string;

before(async () => {
  sandbox = await startTrustedSandbox();
  useSandboxIdentity(sandbox);
  token = (await new ManagedIdentityCredential().getToken('https://graph.microsoft.com/.default')).token;
});
beforeEach(() => sandbox.reset());
after(() => sandbox.close());

const graph = <T>(method: string, path: string, body?: unknown) => call<T>(sandbox, method, `/graph/v1.0${path}`, { token, body });
const user = (upn: string) => sandbox.world().graph.users.find((u) => u.userPrincipalName === upn);

test('graph: user by id or UPN, default properties or exactly $select', async () => {
  const byUpn = await graph<GraphUserReply>('GET', '/users/Alice@contoso.com');
  assert.equal(byUpn.status, 200);
  assert.equal(byUpn.json.id, ALICE);
  assert.equal(byUpn.json.mail, 'alice@contoso.com');
  assert.equal(byUpn.json['@odata.context'], 'https://graph.microsoft.com/v1.0/$metadata#users/$entity');
  assert.equal('accountEnabled' in byUpn.json, false);
  const selected = await graph<GraphUserReply>('GET', `/users/${ALICE}?$select=id,mail,userPrincipalName,accountEnabled`);
  assert.deepEqual(selected.json, {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users(id,mail,userPrincipalName,accountEnabled)/$entity',
    id: ALICE,
    mail: 'alice@contoso.com',
    userPrincipalName: 'alice@contoso.com',
    accountEnabled: true,
  });
  const badSelect = await graph<GraphErrorReply>('GET', `/users/${ALICE}?$select=id,password`);
  assert.equal(badSelect.status, 400);
  assert.match(badSelect.json.error.message, /'password'/);
});

test('graph: 404 Request_ResourceNotFound with innerError; manager lookup', async () => {
  const missing = await graph<GraphErrorReply>('GET', '/users/nobody@contoso.com');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.code, 'Request_ResourceNotFound');
  assert.match(missing.json.error.message, /nobody@contoso\.com/);
  assert.deepEqual(Object.keys(missing.json.error.innerError).sort(), ['client-request-id', 'date', 'request-id']);
  const manager = await graph<GraphUserReply>('GET', '/users/alice@contoso.com/manager');
  assert.equal(manager.status, 200);
  assert.equal(manager.json.userPrincipalName, 'bob@contoso.com');
  assert.equal(manager.json['@odata.type'], '#microsoft.graph.user');
  const noManager = await graph<GraphErrorReply>('GET', '/users/erin@contoso.com/manager');
  assert.equal(noManager.status, 404);
  assert.equal(noManager.json.error.code, 'Request_ResourceNotFound');
});

test('graph: revokeSignInSessions records the time; PATCH accountEnabled disables the account', async () => {
  const revoked = await graph<{ value: boolean }>('POST', '/users/dave@contoso.com/revokeSignInSessions');
  assert.equal(revoked.status, 200);
  assert.equal(revoked.json.value, true);
  assert.ok(user('dave@contoso.com')?.signInSessionsValidFromDateTime);

  const disabled = await graph('PATCH', `/users/${ALICE}`, { accountEnabled: false });
  assert.equal(disabled.status, 204);
  assert.equal(user('alice@contoso.com')?.accountEnabled, false);

  const wrongType = await graph<GraphErrorReply>('PATCH', `/users/${ALICE}`, { accountEnabled: 'no' });
  assert.equal(wrongType.status, 400);
  assert.equal(wrongType.json.error.code, 'Request_BadRequest');
  assert.match(wrongType.json.error.message, /accountEnabled/);
  const unknownField = await graph('PATCH', `/users/${ALICE}`, { passwordProfile: {} });
  assert.equal(unknownField.status, 400);
  assert.equal(user('alice@contoso.com')?.accountEnabled, false);
  assert.equal((await graph('PATCH', '/users/nobody@contoso.com', { accountEnabled: false })).status, 404);
});

test('graph: confirmCompromised marks the users risky, all or nothing', async () => {
  const unknown = await graph('POST', '/identityProtection/riskyUsers/confirmCompromised', { userIds: [ALICE, '00000000-dead-4000-8000-000000000000'] });
  assert.equal(unknown.status, 404);
  assert.deepEqual(sandbox.world().graph.riskyUsers, []);
  const ok = await graph('POST', '/identityProtection/riskyUsers/confirmCompromised', { userIds: [ALICE] });
  assert.equal(ok.status, 204);
  assert.deepEqual(
    sandbox.world().graph.riskyUsers.map((r) => [r.userPrincipalName, r.riskState, r.riskLevel]),
    [['alice@contoso.com', 'confirmedCompromised', 'high']],
  );
  const empty = await graph('POST', '/identityProtection/riskyUsers/confirmCompromised', { userIds: [] });
  assert.equal(empty.status, 400);
});

test('graph: a token for another audience or none is 401 InvalidAuthenticationToken and changes nothing', async () => {
  const armToken = sandbox.token(AUDIENCES.arm);
  const wrong = await call<GraphErrorReply>(sandbox, 'GET', `/graph/v1.0/users/${ALICE}`, { token: armToken });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json.error.code, 'InvalidAuthenticationToken');
  assert.ok(wrong.json.error.innerError['request-id']);
  const none = await call(sandbox, 'POST', `/graph/v1.0/users/${ALICE}/revokeSignInSessions`);
  assert.equal(none.status, 401);
  assert.equal(user('alice@contoso.com')?.signInSessionsValidFromDateTime, undefined);
});
