import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { definePlaybook, isPlaybook, PlaybookDefinitionError } from '../../src/sdk/playbook.js';
import { describeError } from '../../src/sdk/context.js';
import { resolveSettings, settingsPrefix, upperSnake } from '../../src/sdk/settings.js';

const settings = z.object({
  lockRepository: z.enum(['public', 'always', 'never']).default('public'),
  timeoutInMs: z.number().int().positive().default(60_000),
  allowList: z.array(z.string()).default([]),
  mailbox: z.string().default('soc@contoso.com'),
});

function* noop(): Generator<never, void, unknown> {}

const valid = { name: 'secret-committed', title: 'T', description: 'D', version: '1.2.3', when: {}, settings, run: noop };

test('definePlaybook gives the catalogue entry and the orchestration name', () => {
  const playbook = definePlaybook(valid);
  assert.equal(playbook.orchestrationName, 'playbook-secret-committed');
  assert.equal(playbook.version, '1.2.3');
  assert.ok(isPlaybook(playbook));
  assert.ok(!isPlaybook({ name: 'x', title: 'x', version: '1.0.0', trigger: {}, orchestrationName: 'x' }));
});

test('definePlaybook refuses bad names, versions, empty texts and settings without defaults, listing each problem', () => {
  assert.throws(
    () => definePlaybook({ ...valid, name: 'Secret Committed', version: 'v1', title: ' ', settings: z.object({ needed: z.string() }) }),
    (error: Error) =>
      error instanceof PlaybookDefinitionError &&
      error.message ===
        "Playbook 'Secret Committed': name 'Secret Committed' must be kebab-case; version 'v1' must be a semantic version (1.2.3); title is empty; every setting needs a default (missing for: needed)",
  );
});

test('settings: defaults, then PLAYBOOK_<NAME>_<SETTING> overrides read as JSON or plain text', () => {
  assert.equal(settingsPrefix('secret-committed'), 'PLAYBOOK_SECRET_COMMITTED_');
  assert.equal(upperSnake('lockRepository'), 'LOCK_REPOSITORY');
  assert.deepEqual(resolveSettings('secret-committed', settings, {}), settings.parse({}));
  assert.deepEqual(
    resolveSettings('secret-committed', settings, { LOCK_REPOSITORY: 'never', TIMEOUT_IN_MS: '5000', ALLOW_LIST: '["a","b"]', MAILBOX: '123' }),
    { lockRepository: 'never', timeoutInMs: 5000, allowList: ['a', 'b'], mailbox: '123' },
  );
});

test('settings: an unknown or invalid override is a configuration error naming the app setting', () => {
  assert.throws(() => resolveSettings('secret-committed', settings, { LOCK_REPO: 'never' }), /Setting PLAYBOOK_SECRET_COMMITTED_LOCK_REPO is not a setting of playbook 'secret-committed'/);
  assert.throws(() => resolveSettings('secret-committed', settings, { TIMEOUT_IN_MS: '-1' }), /Setting PLAYBOOK_SECRET_COMMITTED_TIMEOUT_IN_MS is invalid: /);
});

test('describeError keeps the reason of a durable task failure, without the host prefix, stack or credentials', () => {
  const error = new Error("Activity function 'github-revokeCredentials' failed: GitHub API 403: token ghp_abcdefghijklmnopqrstuvwxyz0123456789 refused \n RemoteApiError: ...\n    at x");
  assert.equal(describeError(error), 'GitHub API 403: token [REDACTED] refused');
});

test('declared actions give the playbook its permissions (plus what every run needs), each once', async () => {
  const { getUser } = await import('../../src/actions/entra/getUser.js');
  const { getManager } = await import('../../src/actions/entra/getManager.js');
  const { sendEmail } = await import('../../src/actions/email/sendEmail.js');
  const playbook = definePlaybook({ ...valid, actions: [getUser, getManager, sendEmail] });
  assert.deepEqual(playbook.actions, ['entra.getUser', 'entra.getManager', 'email.sendEmail']);
  assert.deepEqual(
    playbook.permissions?.map((p) => `${p.api}:${p.name}`),
    ['Sentinel:Microsoft Sentinel Responder', 'Graph:User.Read.All', 'ACS:Communication and Email Service Owner'],
  );
  assert.equal(definePlaybook(valid).permissions, undefined);
});

test('retries: transient failures are retried with the action policy’s delays, permanent ones are not', async () => {
  const { isRetryableFailure, retryDelayInMs } = await import('../../src/sdk/context.js');
  for (const reason of ['GitHub API 429: slow down', 'Graph API 503: busy', 'AzureDevOps API request failed: socket hang up', 'github.lockBranch timed out after 60000 ms', 'host lost the worker']) {
    assert.equal(isRetryableFailure(reason), true, reason);
  }
  for (const reason of ['GitHub API 403 (remote code: x): Forbidden', 'Graph API 404 (remote code: Request_ResourceNotFound): gone', 'ACS API 200 (remote code: Failed): bounced', 'Invalid input of email.sendEmail: to: too small', 'Setting GITHUB_APP_ID is not set', 'github.lockBranch returned invalid output: branch: required']) {
    assert.equal(isRetryableFailure(reason), false, reason);
  }
  const policy = { maxRetries: 4, retryDelayInMs: 5_000, maxRetryDelayInMs: 30_000, retryMode: 'exponential' as const };
  assert.deepEqual([1, 2, 3, 4].map((n) => retryDelayInMs(policy, n)), [5_000, 10_000, 20_000, 30_000]);
  assert.deepEqual([1, 2].map((n) => retryDelayInMs({ maxRetries: 2, retryDelayInMs: 1_000 }, n)), [1_000, 1_000]);
});
