// Shared by the action tests: one sandbox per test file, the app's settings pointed at it, and a runner that
// executes an action exactly as the durable activity does.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { executeAction, type Action, type PlannedEffect } from '../../src/actions/action.js';
import type { AnyAction } from '../../src/actions/index.js';
import { RemoteApiError } from '../../src/clients/errors.js';
import { startSandbox, type CallRecord, type Sandbox, type StartSandboxOptions, type World } from '../../src/sandbox/index.js';

export interface ActionHarness {
  sandbox: Sandbox;
  /** Every line actions logged, for redaction checks. */
  logs: string[];
  run<I, O>(action: Action<I, O>, input: unknown, options?: { instanceId?: string; stepKey?: string; dryRun?: boolean }): Promise<O | PlannedEffect>;
  /** Calls whose path matches, since the last reset. */
  callsTo(pattern: RegExp): number;
  close(): Promise<void>;
}

/** Fast client retries: sandbox faults use Retry-After 0–1 s, and GitHub write pacing is off. */
export const TEST_RETRY_SETTINGS = {
  SOAR_RETRY_MAX_RETRIES: '6',
  SOAR_RETRY_DELAY_MS: '10',
  SOAR_RETRY_MAX_DELAY_MS: '2000',
  SOAR_GITHUB_WRITE_INTERVAL_MS: '0',
  SOAR_GITHUB_RATE_LIMIT_FALLBACK_S: '0',
};

let steps = 0;

/** A call's path without its query (the calls log keeps api-version). */
export function pathOf(call: CallRecord): string {
  return call.path.split('?')[0]!;
}

export async function startActionHarness(options: Omit<StartSandboxOptions, 'caFile'> = {}): Promise<ActionHarness> {
  const caFile = join(mkdtempSync(join(tmpdir(), 'soar-actions-')), 'sandbox-ca.pem');
  const sandbox = await startSandbox({ ...options, caFile });
  Object.assign(process.env, sandbox.appSettings, TEST_RETRY_SETTINGS);
  const logs: string[] = [];
  return {
    sandbox,
    logs,
    run: (action, input, options = {}) =>
      executeAction(
        action,
        {
          input,
          instanceId: options.instanceId ?? 'test-instance',
          stepKey: options.stepKey ?? `step-${++steps}`,
          dryRun: options.dryRun ?? false,
        },
        (line) => logs.push(line),
      ),
    callsTo: (pattern) => sandbox.calls().filter((c) => pattern.test(pathOf(c))).length,
    close: () => sandbox.close(),
  };
}

/** Asserts that a promise rejects, and returns the error for further checks. */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}

/** One action under the four standard tests: happy path, throttled then succeeds, permanent 403, replay. */
export interface ActionCase {
  action: AnyAction;
  input: unknown;
  /** The request the faults target: sandbox service, method and path pattern (mount included). */
  fault: {
    service: string;
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    path: RegExp;
    /** 429s before success (default 2) and their Retry-After (default 0). */
    throttled?: { count: 1 | 2; retryAfterSeconds: 0 | 1 };
  };
  /** Prepares the world after each reset (e.g. archives a repository for the unarchive test). */
  arrange?(world: World): void;
  /** Asserts the action's output and the change in the sandbox world. */
  verify(output: unknown, world: World): void;
  /** The part of the world the action changes: equal after a run and after its replay. */
  snapshot(world: World): unknown;
}

function matching(h: ActionHarness, c: ActionCase): CallRecord[] {
  return h.sandbox.calls().filter((call) => call.method === c.fault.method && c.fault.path.test(pathOf(call)));
}

export function describeActionCases(h: ActionHarness, cases: readonly ActionCase[]): void {
  for (const c of cases) {
    describe(c.action.name, () => {
      beforeEach(() => {
        h.sandbox.reset();
        c.arrange?.(h.sandbox.world());
      });

      test('happy path: the change is in the sandbox', async () => {
        const output = await h.run(c.action, c.input);
        c.verify(output, h.sandbox.world());
        assert.ok(matching(h, c).length >= 1, `expected a ${c.fault.method} call matching ${c.fault.path}`);
      });

      const throttled = c.fault.throttled ?? { count: 2, retryAfterSeconds: 0 };
      test(`throttled (${throttled.count} × 429 with Retry-After ${throttled.retryAfterSeconds}), then succeeds`, async () => {
        h.sandbox.faults.add({
          service: c.fault.service,
          method: c.fault.method,
          pathPattern: c.fault.path.source,
          status: 429,
          retryAfterSeconds: throttled.retryAfterSeconds,
          count: throttled.count,
        });
        const output = await h.run(c.action, c.input);
        c.verify(output, h.sandbox.world());
        const calls = matching(h, c);
        assert.equal(calls.filter((call) => call.status === 429).length, throttled.count);
        assert.ok(calls.some((call) => call.status < 300), 'the retried call succeeded');
      });

      test('a permanent 403 fails once, not retried, naming API, status and remote code', async () => {
        h.sandbox.faults.add({
          service: c.fault.service,
          method: c.fault.method,
          pathPattern: c.fault.path.source,
          status: 403,
          body: 'Resource not accessible by integration',
        });
        const error = await rejection(h.run(c.action, c.input));
        assert.ok(error instanceof RemoteApiError, `expected RemoteApiError, got ${error.name}: ${error.message}`);
        assert.equal(error.status, 403);
        assert.equal(error.retryable, false);
        assert.match(error.message, new RegExp(`^${error.api} API 403`));
        if (error.remoteCode !== undefined) assert.ok(error.message.includes(`(remote code: ${error.remoteCode})`));
        assert.equal(matching(h, c).length, 1);
      });

      test('a replay (same run and step) changes nothing twice', async () => {
        const options = { instanceId: 'replay-run', stepKey: 'replay-step' };
        await h.run(c.action, c.input, options);
        const once = structuredClone(c.snapshot(h.sandbox.world()));
        const output = await h.run(c.action, c.input, options);
        assert.deepEqual(c.snapshot(h.sandbox.world()), once);
        c.verify(output, h.sandbox.world());
      });
    });
  }
}
