// The action contract: validation, dry runs, timeouts, output checks, error mapping, and the catalogue.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { defineAction, executeAction, isPlannedEffect } from '../../src/actions/action.js';
import { escapeHtml, html } from '../../src/actions/html.js';
import { deterministicUuid } from '../../src/actions/ids.js';
import { allActions, github, sentinel } from '../../src/actions/index.js';
import { SoarError, ValidationError } from '../../src/clients/errors.js';
import { rejection } from './harness.js';

const envelope = (input: unknown, extra: Partial<{ dryRun: boolean }> = {}) => ({ input, instanceId: 'run-1', stepKey: 'step-1', dryRun: false, ...extra });

function probe(overrides: Partial<Parameters<typeof defineAction<{ n: number }, { doubled: number }>>[0]> = {}) {
  let calls = 0;
  const action = defineAction<{ n: number }, { doubled: number }>({
    name: 'sentinel.probeThing',
    title: 'Probe',
    description: 'A test action.',
    input: z.object({ n: z.number().int() }),
    output: z.object({ doubled: z.number() }),
    permissions: [],
    retry: { maxRetries: 0, retryDelayInMs: 0 },
    timeoutInMs: 1000,
    sideEffect: true,
    async run(input, ctx) {
      calls++;
      ctx.log(`doubling ${input.n} with Bearer abcdefghijklmnopqrstuvwxyz`);
      return { doubled: input.n * 2 };
    },
    ...overrides,
  });
  return { action, calls: () => calls };
}

describe('executeAction', () => {
  test('runs the action with validated input and returns validated output', async () => {
    const { action } = probe();
    const lines: string[] = [];
    assert.deepEqual(await executeAction(action, envelope({ n: 21 }), (l) => lines.push(l)), { doubled: 42 });
    assert.equal(action.activityName, 'sentinel-probeThing');
    assert.deepEqual(lines, ['doubling 21 with Bearer [REDACTED]'], 'log lines are redacted');
  });

  test('invalid input is a non-retryable ValidationError naming each path, and nothing runs', async () => {
    const { action, calls } = probe({ input: z.object({ n: z.number().int(), tags: z.array(z.string()) }) as z.ZodType<{ n: number }> });
    const error = await rejection(executeAction(action, envelope({ n: 'x', tags: [1] }), () => {}));
    assert.ok(error instanceof ValidationError);
    assert.equal(error.retryable, false);
    assert.deepEqual(error.issues.map((i) => i.path), ['n', 'tags.0']);
    assert.match(error.message, /^Invalid input of sentinel\.probeThing: n: .*; tags\.0: /);
    assert.equal(calls(), 0);
  });

  test('a malformed envelope is rejected', async () => {
    const { action } = probe();
    const error = await rejection(executeAction(action, { input: { n: 1 } } as never, () => {}));
    assert.ok(error instanceof ValidationError);
    assert.deepEqual(error.issues.map((i) => i.path), ['instanceId', 'stepKey', 'dryRun']);
  });

  test('a dry run plans side effects instead of running them, and runs reads', async () => {
    const { action, calls } = probe();
    const planned = await executeAction(action, envelope({ n: 2 }, { dryRun: true }), () => {});
    assert.deepEqual(planned, { planned: true, action: 'sentinel.probeThing', title: 'Probe', input: { n: 2 } });
    assert.ok(isPlannedEffect(planned));
    assert.equal(calls(), 0);
    const read = probe({ sideEffect: false });
    assert.deepEqual(await executeAction(read.action, envelope({ n: 2 }, { dryRun: true }), () => {}), { doubled: 4 });
  });

  test('the timeout aborts the signal and fails retryable', async () => {
    let aborted = false;
    const { action } = probe({
      timeoutInMs: 30,
      run: (_input, ctx) =>
        new Promise((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
          });
          setTimeout(() => resolve({ doubled: 0 }), 1000).unref();
        }),
    });
    const error = await rejection(executeAction(action, envelope({ n: 1 }), () => {}));
    assert.ok(error instanceof SoarError);
    assert.deepEqual([error.code, error.retryable], ['Timeout', true]);
    assert.equal(error.message, 'sentinel.probeThing timed out after 30 ms');
    assert.ok(aborted, 'the action saw the abort');
  });

  test('invalid output is a non-retryable error', async () => {
    const { action } = probe({ run: async () => ({ doubled: 'two' }) as unknown as { doubled: number } });
    const error = await rejection(executeAction(action, envelope({ n: 1 }), () => {}));
    assert.ok(error instanceof SoarError);
    assert.deepEqual([error.code, error.retryable], ['InvalidOutput', false]);
  });

  test('unexpected errors become SoarErrors with redacted messages', async () => {
    const { action } = probe({
      run: async () => {
        throw new Error('boom with token ghp_abcdefghijklmnopqrstuvwxyz0123456789 and sig=abc123');
      },
    });
    const error = await rejection(executeAction(action, envelope({ n: 1 }), () => {}));
    assert.ok(error instanceof SoarError);
    assert.equal(error.message, 'sentinel.probeThing failed: boom with token [REDACTED] and sig=[REDACTED]');
    assert.ok(!String(error.stack).includes('ghp_'));
  });

  test('action names must be vendor.verbNoun', () => {
    assert.throws(() => probe({ name: 'thing' }), /vendor\.verbNoun/);
  });
});

describe('catalogue', () => {
  test('every action is complete and registered under a unique activity name', () => {
    assert.equal(allActions.length, 35);
    assert.equal(new Set(allActions.map((a) => a.activityName)).size, allActions.length);
    for (const action of allActions) {
      assert.match(action.name, /^(sentinel|email|entra|github|azdo)\.[a-z][A-Za-z]+$/);
      assert.equal(action.activityName, action.name.replace('.', '-'));
      assert.ok(action.title && action.description, `${action.name} has a title and description`);
      assert.ok(action.timeoutInMs > 0 && action.retry.maxRetries >= 0);
      assert.ok(action.permissions.length > 0, `${action.name} declares its permissions`);
    }
    assert.equal(sentinel.updateIncident.sideEffect, true);
    assert.equal(github.getRepositoryOwners.sideEffect, false);
  });
});

describe('typed handles', () => {
  test('optional inputs stay optional for callers (defaults are applied inside the action)', () => {
    const task: Parameters<typeof sentinel.addTask.run>[0] = { incidentId: 'inc-1', title: 'Check' };
    const ruleset: Parameters<typeof github.applyRuleset.run>[0] = { owner: 'contoso', repo: 'infra' };
    assert.ok(sentinel.addTask.input.safeParse(task).success);
    assert.ok(github.applyRuleset.input.safeParse(ruleset).success);
  });
});

describe('html', () => {
  test('escapes interpolated values but not nested html or the template itself', () => {
    const title = '<img src=x onerror=alert(1)> & "quotes"';
    const items = ['a<b', 'c'];
    const out = html`<p class="t">${title}</p><ul>${items.map((i) => html`<li>${i}</li>`)}</ul>${null}${undefined}${false}${0}`;
    assert.equal(out.toString(), '<p class="t">&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;</p><ul><li>a&lt;b</li><li>c</li></ul>0');
    assert.equal(escapeHtml(`'`), '&#39;');
  });
});

describe('deterministicUuid', () => {
  test('is stable per run and step, differs otherwise, and is a valid v5-layout UUID', () => {
    const a = deterministicUuid('run-1', 'step-1', 'x');
    assert.equal(a, deterministicUuid('run-1', 'step-1', 'x'));
    assert.notEqual(a, deterministicUuid('run-1', 'step-2', 'x'));
    assert.notEqual(deterministicUuid('ab', 'c'), deterministicUuid('a', 'bc'));
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
