import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { email, renderIncidentEmail } from '../../src/actions/index.js';
import { RemoteApiError } from '../../src/clients/errors.js';
import { describeActionCases, rejection, startActionHarness } from './harness.js';

const h = await startActionHarness();
after(() => h.close());

const message = renderIncidentEmail({
  incident: { number: 7, title: 'Secret committed to <contoso/payments-api>', severity: 'High', url: 'https://portal.azure.com/#incident/7' },
  heading: 'A GitHub token was committed',
  paragraphs: ['The token was revoked.'],
  facts: [['Repository', 'contoso/payments-api']],
  actionsTaken: ['Revoked the token'],
});
const input = {
  to: [{ address: 'alice@contoso.com', displayName: 'Alice' }],
  cc: [{ address: 'soc@contoso.com' }],
  subject: `${message.subject}\r\nBcc: mallory@evil.example`,
  html: message.html,
  plainText: message.plainText,
};

describeActionCases(h, [
  {
    action: email.sendEmail,
    input,
    fault: { service: 'acs', method: 'POST', path: /\/emails:send$/ },
    verify(output, world) {
      const outbox = world.email.outbox;
      assert.equal(outbox.length, 1);
      const sent = outbox[0]!;
      assert.equal(sent.operationId, (output as { operationId: string }).operationId);
      assert.deepEqual(sent.to.map((r) => r.address), ['alice@contoso.com']);
      assert.deepEqual(sent.cc.map((r) => r.address), ['soc@contoso.com']);
      assert.equal(sent.senderAddress, 'DoNotReply@soar.contoso.com');
      assert.ok(!/[\r\n]/.test(sent.subject), 'the subject is one line');
      assert.ok(sent.html!.includes('&lt;contoso/payments-api&gt;'), 'incident text is escaped');
      assert.equal(sent.plainText, message.plainText);
    },
    snapshot: (world) => world.email.outbox.map((m) => m.operationId),
  },
]);

describe('email.sendEmail', () => {
  beforeEach(() => h.sandbox.reset());

  test('a Failed operation is a clear, non-retryable error', async () => {
    const error = await rejection(h.run(email.sendEmail, { ...input, to: [{ address: 'nobody@fail.contoso.com' }] }));
    assert.ok(error instanceof RemoteApiError, error.message);
    assert.equal(error.api, 'ACS');
    assert.equal(error.retryable, false);
    assert.equal(error.remoteCode, 'EmailDroppedAllRecipientsSuppressed');
    assert.match(error.message, /failed: Message delivery failed for nobody@fail\.contoso\.com/);
    assert.equal(h.sandbox.world().email.outbox.length, 0);
  });

  test('a poll that keeps failing after ACS accepted the e-mail is retryable, and the retry sends nothing twice', async () => {
    // The first poll answers Running; then more consecutive poll faults than the client retries, so the poller
    // gives up although ACS accepted the e-mail.
    h.sandbox.faults.add({ service: 'acs', method: 'GET', pathPattern: '/emails/operations/', latencyMs: 1, count: 1 });
    h.sandbox.faults.add({ service: 'acs', method: 'GET', pathPattern: '/emails/operations/', status: 503, count: 8 });
    const envelope = { instanceId: 'run-poll', stepKey: 'notify' };
    const error = await rejection(h.run(email.sendEmail, input, envelope));
    assert.ok(error instanceof RemoteApiError, error.message);
    assert.equal(error.retryable, true, 'a failed poll is not a failed e-mail');
    assert.equal(error.status, 503);
    const output = await h.run(email.sendEmail, input, envelope);
    assert.equal((output as { status: string }).status, 'Succeeded');
    assert.deepEqual(h.sandbox.world().email.outbox.map((m) => m.operationId), [(output as { operationId: string }).operationId]);
  });

  test('without a connection string, the managed identity authenticates (ACS audience)', async () => {
    const connectionString = process.env.ACS_CONNECTION_STRING;
    delete process.env.ACS_CONNECTION_STRING;
    try {
      await h.run(email.sendEmail, input);
    } finally {
      process.env.ACS_CONNECTION_STRING = connectionString;
    }
    assert.equal(h.sandbox.world().email.outbox.length, 1);
    assert.equal(h.sandbox.calls({ service: 'msi' }).length, 1, 'a token for the ACS audience was requested');
  });

  test('different steps of one run send different e-mails', async () => {
    await h.run(email.sendEmail, input, { instanceId: 'run-1', stepKey: 'notify-owner' });
    await h.run(email.sendEmail, input, { instanceId: 'run-1', stepKey: 'notify-manager' });
    assert.equal(h.sandbox.world().email.outbox.length, 2);
  });

  test('invalid recipients are rejected before any call, naming each path', async () => {
    const error = await rejection(h.run(email.sendEmail, { ...input, to: [{ address: 'not-an-address' }], cc: [{ address: '' }] }));
    assert.equal(error.name, 'ValidationError');
    assert.match(error.message, /to\.0\.address/);
    assert.match(error.message, /cc\.0\.address/);
    assert.equal(h.sandbox.calls().length, 0);
  });
});

describe('renderIncidentEmail', () => {
  test('escapes every incident-derived value and refuses non-http links', () => {
    const rendered = renderIncidentEmail({
      incident: { title: '<script>alert(1)</script>', url: 'javascript:alert(1)' },
      heading: 'Repo "x" & <y>',
      paragraphs: ["<img src=x onerror='1'>"],
      facts: [['<b>', '</td>']],
    });
    assert.ok(!rendered.html.includes('<script>'));
    assert.ok(!rendered.html.includes('javascript:'));
    assert.ok(!rendered.html.includes('<img'));
    assert.ok(rendered.html.includes('Repo &quot;x&quot; &amp; &lt;y&gt;'));
    assert.ok(rendered.html.includes('<th align="left">&lt;b&gt;</th><td>&lt;/td&gt;</td>'));
    assert.ok(rendered.plainText.includes('<script>alert(1)</script>'), 'plain text keeps the text as is');
    assert.equal(rendered.subject, '[Sentinel incident] Repo "x" & <y>');
  });
});
