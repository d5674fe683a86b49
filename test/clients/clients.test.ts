// Client plumbing without a sandbox: redaction, error messages, settings, CA trust.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, RemoteApiError, SoarError } from '../../src/clients/errors.js';
import { describeRemoteError, retryAfterMs } from '../../src/clients/http.js';
import { redact } from '../../src/clients/redact.js';
import { baseUrlSetting, clientRetrySettings, requiredSetting } from '../../src/clients/settings.js';
import { trustExtraCa } from '../../src/clients/trust.js';

describe('redact', () => {
  const cases: Array<[string, string]> = [
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', 'Authorization: Bearer [REDACTED]'],
    ['authorization: token ghs_16C7e42F292c6912E7710c838347Ae178B4a', 'authorization: token [REDACTED]'],
    ['Basic dXNlcjpwYXNzd29yZDEyMzQ1Ng==', 'Basic [REDACTED]'],
    ['leaked ghp_abcdefghijklmnopqrstuvwxyz0123456789 here', 'leaked [REDACTED] here'],
    ['github_pat_11ABCDEFG0123456789_abcdefghijklmnop', '[REDACTED]'],
    ['gho_abcdefghijklmnopqrstuv ghu_abcdefghijklmnopqrstuv ghr_abcdefghijklmnopqrstuv', '[REDACTED] [REDACTED] [REDACTED]'],
    ['token eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxMjMifQ.sig-part_1', 'token [REDACTED]'],
    ['endpoint=https://x/;accesskey=c2VjcmV0a2V5MTIz', 'endpoint=https://x/;accesskey=[REDACTED]'],
    ['https://f.azurewebsites.net/api/x?code=abc123&name=ok', 'https://f.azurewebsites.net/api/x?code=[REDACTED]&name=ok'],
    ['https://blob/x?sv=2020&sig=abc%2Bdef', 'https://blob/x?sv=2020&sig=[REDACTED]'],
    ['HMAC-SHA256 SignedHeaders=x-ms-date;host&Signature=abc=', 'HMAC-SHA256 [REDACTED]'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----', '[REDACTED]'],
    ['id eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl seen', 'id [REDACTED] seen'],
    ['the token expired', 'the token expired'],
    ['Graph API 404 (remote code: Request_ResourceNotFound): not found', 'Graph API 404 (remote code: Request_ResourceNotFound): not found'],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input.slice(0, 40)), () => assert.equal(redact(input), expected));
  }

  test('removes the values of secret settings wherever they appear', () => {
    process.env.IDENTITY_HEADER = 'plain-secret-header-value';
    try {
      assert.equal(redact('header plain-secret-header-value rejected'), 'header [REDACTED] rejected');
    } finally {
      delete process.env.IDENTITY_HEADER;
    }
  });

  test('secret settings added, changed or swapped for another name after a first redaction still count', () => {
    assert.equal(redact('nothing secret yet'), 'nothing secret yet');
    process.env.LATE_API_KEY = 'late-key-value-one';
    try {
      assert.equal(redact('sent late-key-value-one'), 'sent [REDACTED]');
      process.env.LATE_API_KEY = 'late-key-value-two';
      assert.equal(redact('sent late-key-value-one and late-key-value-two'), 'sent late-key-value-one and [REDACTED]');
      // Same number of settings, another name: the names are compared, not only counted.
      delete process.env.LATE_API_KEY;
      process.env.LATE_API_TOKEN = 'late-token-value-three';
      assert.equal(redact('sent late-key-value-two and late-token-value-three'), 'sent late-key-value-two and [REDACTED]');
    } finally {
      delete process.env.LATE_API_KEY;
      delete process.env.LATE_API_TOKEN;
    }
  });

  test('any setting named like a secret counts, not only the clients\' own', () => {
    process.env.APPROVAL_SIGNING_KEY = 'approval-signing-key-value-0123456789';
    process.env.AZURE_CLIENT_SECRET = 'client~secret~value~0123';
    process.env.SOAR_RETRY_DELAY_MS = '12345678';
    try {
      assert.equal(
        redact('echo approval-signing-key-value-0123456789 and client~secret~value~0123 after 12345678 ms'),
        'echo [REDACTED] and [REDACTED] after 12345678 ms',
      );
    } finally {
      delete process.env.APPROVAL_SIGNING_KEY;
      delete process.env.AZURE_CLIENT_SECRET;
      delete process.env.SOAR_RETRY_DELAY_MS;
    }
  });
});

describe('errors', () => {
  test('RemoteApiError names API, status and remote code, redacted, with retryability from the status', () => {
    const error = new RemoteApiError({ api: 'GitHub', status: 403, remoteCode: 'Forbidden', remoteMessage: 'no with Bearer abcdefghijklmnopqrstu' });
    assert.equal(error.message, 'GitHub API 403 (remote code: Forbidden): no with Bearer [REDACTED]');
    assert.equal(error.retryable, false);
    assert.ok(error instanceof SoarError);
    for (const status of [0, 408, 429, 500, 502, 503, 504]) assert.equal(new RemoteApiError({ api: 'Graph', status, remoteMessage: '' }).retryable, true);
    for (const status of [400, 401, 403, 404, 409, 422]) assert.equal(new RemoteApiError({ api: 'Graph', status, remoteMessage: '' }).retryable, false);
    assert.equal(new RemoteApiError({ api: 'AzureDevOps', status: 0, remoteCode: 'ECONNRESET', remoteMessage: 'reset' }).message, 'AzureDevOps API request failed (remote code: ECONNRESET): reset');
  });

  test('remote error codes from Azure, Azure DevOps and Graph bodies', () => {
    const none = new Headers();
    assert.deepEqual(describeRemoteError({ error: { code: 'Conflict', message: 'Newer version' } }, none), { remoteCode: 'Conflict', remoteMessage: 'Newer version' });
    assert.deepEqual(describeRemoteError({ message: 'TF401019: not found', typeKey: 'GitRepositoryNotFoundException' }, none), {
      remoteCode: 'GitRepositoryNotFoundException',
      remoteMessage: 'TF401019: not found',
    });
    assert.deepEqual(describeRemoteError('', new Headers({ 'x-ms-error-code': 'Throttled' })), { remoteCode: 'Throttled', remoteMessage: 'no error body' });
  });

  test('Retry-After in seconds, as a date, or in milliseconds', () => {
    assert.equal(retryAfterMs(new Headers({ 'retry-after': '2' })), 2000);
    assert.equal(retryAfterMs(new Headers({ 'retry-after-ms': '150' })), 150);
    const date = new Date(Date.now() + 3000).toUTCString();
    const ms = retryAfterMs(new Headers({ 'retry-after': date }))!;
    assert.ok(ms > 1000 && ms <= 3000);
    assert.equal(retryAfterMs(new Headers()), undefined);
  });
});

describe('settings', () => {
  test('a missing or malformed setting is a ConfigError naming it', () => {
    delete process.env.SOAR_TEST_MISSING;
    assert.throws(() => requiredSetting('SOAR_TEST_MISSING'), (e: unknown) => e instanceof ConfigError && e.setting === 'SOAR_TEST_MISSING');
    process.env.SOAR_TEST_URL = 'not a url';
    assert.throws(() => baseUrlSetting('SOAR_TEST_URL'), /Setting SOAR_TEST_URL is not a URL/);
    process.env.SOAR_RETRY_MAX_RETRIES = 'many';
    assert.throws(() => clientRetrySettings(), /SOAR_RETRY_MAX_RETRIES must be a non-negative number/);
    delete process.env.SOAR_RETRY_MAX_RETRIES;
    delete process.env.SOAR_TEST_URL;
    assert.equal(baseUrlSetting('GRAPH_ENDPOINT_UNSET', 'https://graph.microsoft.com/'), 'https://graph.microsoft.com');
  });

  test('SOAR_EXTRA_CA_FILE must name a readable PEM certificate', () => {
    const dir = mkdtempSync(join(tmpdir(), 'soar-ca-'));
    process.env.SOAR_EXTRA_CA_FILE = join(dir, 'missing.pem');
    assert.throws(() => trustExtraCa(), (e: unknown) => e instanceof ConfigError && e.setting === 'SOAR_EXTRA_CA_FILE');
    writeFileSync(join(dir, 'bad.pem'), 'not a certificate');
    process.env.SOAR_EXTRA_CA_FILE = join(dir, 'bad.pem');
    assert.throws(() => trustExtraCa(), /without a PEM certificate/);
    delete process.env.SOAR_EXTRA_CA_FILE;
  });
});
