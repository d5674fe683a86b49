import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { EmailClient, type EmailMessage } from '@azure/communication-email';
import { ManagedIdentityCredential } from '@azure/identity';
import { AUDIENCES, type Sandbox } from '../../src/sandbox/index.js';
import { call, startTrustedSandbox, useSandboxIdentity, type AzureErrorReply } from './helpers.js';

let sandbox: Sandbox;
let client: EmailClient;

before(async () => {
  sandbox = await startTrustedSandbox();
  useSandboxIdentity(sandbox);
  client = new EmailClient(sandbox.appSettings.ACS_CONNECTION_STRING as string, { retryOptions: { maxRetries: 0 } });
});
beforeEach(() => sandbox.reset());
after(() => sandbox.close());

const message = (overrides: Partial<EmailMessage> = {}): EmailMessage => ({
  senderAddress: 'DoNotReply@soar.contoso.com',
  content: { subject: 'Repository restored', html: '<p>Restored &lt;payments-api&gt;</p>', plainText: 'Restored <payments-api>' },
  recipients: { to: [{ address: 'alice@contoso.com', displayName: 'Alice' }], cc: [{ address: 'soc@contoso.com' }] },
  ...overrides,
});

test('email: send with the connection string (HMAC) polls to Succeeded and lands in the outbox', async () => {
  const poller = await client.beginSend(message(), { updateIntervalInMs: 10 });
  const result = await poller.pollUntilDone();
  assert.equal(result.status, 'Succeeded');
  const outbox = sandbox.world().email.outbox;
  assert.equal(outbox.length, 1);
  assert.deepEqual(
    { ...outbox[0], time: undefined },
    {
      operationId: result.id,
      senderAddress: 'DoNotReply@soar.contoso.com',
      to: [{ address: 'alice@contoso.com', displayName: 'Alice' }],
      cc: [{ address: 'soc@contoso.com' }],
      bcc: [],
      subject: 'Repository restored',
      html: '<p>Restored &lt;payments-api&gt;</p>',
      plainText: 'Restored <payments-api>',
      time: undefined,
    },
  );
  const paths = sandbox.calls({ service: 'acs' }).map((c) => `${c.method} ${c.path.split('?')[0]} ${c.status}`);
  assert.deepEqual(paths, ['POST /emails:send 202', `GET /emails/operations/${result.id} 200`, `GET /emails/operations/${result.id} 200`]);
});

test('email: the same Operation-Id sends once (a replayed activity does not mail twice)', async () => {
  const operationId = randomUUID();
  const first = await (await client.beginSend(message(), { operationId, updateIntervalInMs: 10 })).pollUntilDone();
  const second = await (await client.beginSend(message(), { operationId, updateIntervalInMs: 10 })).pollUntilDone();
  assert.equal(first.id, operationId);
  assert.equal(second.id, operationId);
  assert.equal(second.status, 'Succeeded');
  assert.equal(sandbox.world().email.outbox.length, 1);
  assert.equal(sandbox.world().email.operations.length, 1);
});

test('email: a recipient on fail.contoso.com makes the operation end Failed with an error', async () => {
  const poller = await client.beginSend(message({ recipients: { to: [{ address: 'bounce@fail.contoso.com' }] } }), { updateIntervalInMs: 10 });
  await assert.rejects(poller.pollUntilDone(), /EmailDroppedAllRecipientsSuppressed/);
  assert.equal(sandbox.world().email.outbox.length, 0);
  assert.equal(sandbox.world().email.operations[0]?.status, 'Failed');
});

test('email: a wrong HMAC key is 401 Denied and nothing is sent', async () => {
  const wrong = new EmailClient(`endpoint=${sandbox.url}/;accesskey=${randomBytes(32).toString('base64')}`, { retryOptions: { maxRetries: 0 } });
  await assert.rejects(wrong.beginSend(message()), (err: { statusCode?: number; code?: string; message: string }) => {
    assert.equal(err.statusCode, 401);
    assert.equal(err.code, 'Denied');
    return true;
  });
  assert.deepEqual(sandbox.world().email, { senderAddresses: ['DoNotReply@soar.contoso.com'], outbox: [], operations: [] });
});

test('email: managed-identity bearer auth works; a token for another audience is 401', async () => {
  const entra = new EmailClient(sandbox.appSettings.ACS_ENDPOINT as string, new ManagedIdentityCredential(), { retryOptions: { maxRetries: 0 } });
  const result = await (await entra.beginSend(message(), { updateIntervalInMs: 10 })).pollUntilDone();
  assert.equal(result.status, 'Succeeded');
  assert.equal(sandbox.world().email.outbox.length, 1);

  const wrongAudience = await call<AzureErrorReply>(sandbox, 'POST', '/emails:send?api-version=2025-09-01', { token: sandbox.token(AUDIENCES.graph), body: message() });
  assert.equal(wrongAudience.status, 401);
  assert.equal(wrongAudience.json.error.code, 'Denied');
  assert.equal(sandbox.world().email.outbox.length, 1);
});

test('email: invalid messages are 400 naming the field; unknown sender domains are rejected', async () => {
  const token = sandbox.token(AUDIENCES.acs + '/');
  const send = (body: unknown) => call<AzureErrorReply>(sandbox, 'POST', '/emails:send?api-version=2025-09-01', { token, body });
  const noSubject = await send({ ...message(), content: { html: '<p>x</p>' } });
  assert.equal(noSubject.status, 400);
  assert.match(noSubject.json.error.message, /content\.subject/);
  const badAddress = await send({ ...message(), recipients: { to: [{ address: 'not-an-address' }] } });
  assert.equal(badAddress.status, 400);
  assert.match(badAddress.json.error.message, /recipients\.to\.0\.address/);
  const noRecipients = await send({ ...message(), recipients: { to: [] } });
  assert.equal(noRecipients.status, 400);
  const unlinked = await send({ ...message(), senderAddress: 'someone@evil.example' });
  assert.equal(unlinked.status, 404);
  assert.equal(unlinked.json.error.code, 'DomainNotLinked');
  const badOperationId = await call(sandbox, 'POST', '/emails:send?api-version=2025-09-01', { token, body: message(), headers: { 'operation-id': 'run-1-step-2' } });
  assert.equal(badOperationId.status, 400);
  const unknownOperation = await call(sandbox, 'GET', `/emails/operations/${randomUUID()}?api-version=2025-09-01`, { token });
  assert.equal(unknownOperation.status, 404);
  assert.equal(sandbox.world().email.outbox.length, 0);
});

test('email: the HMAC covers method, path, query, host, date and body hash; any change is 401', async () => {
  const key = Buffer.from(/accesskey=(.*)$/.exec(sandbox.appSettings.ACS_CONNECTION_STRING as string)?.[1] as string, 'base64');
  const host = new URL(sandbox.url).host;
  const signed = (body: string, date = new Date().toUTCString(), path = '/emails:send?api-version=2025-09-01') => {
    const hash = createHash('sha256').update(body).digest('base64');
    const signature = createHmac('sha256', key).update(`POST\n${path}\n${date};${host};${hash}`).digest('base64');
    return {
      'content-type': 'application/json',
      'x-ms-date': date,
      'x-ms-content-sha256': hash,
      authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
    };
  };
  const send = (headers: Record<string, string>, body: string) =>
    fetch(`${sandbox.url}/emails:send?api-version=2025-09-01`, { method: 'POST', headers, body });
  const body = JSON.stringify(message());
  assert.equal((await send(signed(body), body)).status, 202);
  const tampered = await send(signed(body), body.replace('alice@', 'mallory@'));
  assert.equal(tampered.status, 401);
  assert.equal(((await tampered.json()) as { error: { code: string } }).error.code, 'Denied');
  assert.equal((await send(signed(body, new Date(Date.now() - 3_600_000).toUTCString()), body)).status, 401);
  assert.equal((await send(signed(body, undefined, '/emails:send?api-version=2021-10-01'), body)).status, 401);
  assert.equal(sandbox.world().email.outbox.length, 1);
});
