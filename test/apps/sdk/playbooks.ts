// Small playbooks that exercise one SDK feature each, run by test/sdk/*.test.ts on the local host.
import { definePlaybook, email, entra, html, z } from '../../../src/sdk/index.js';

export const askApproval = definePlaybook({
  name: 'sdk-approval',
  title: 'SDK test: approval',
  description: 'Asks two approvers and comments the answer.',
  version: '1.0.0',
  when: { titlePattern: '^never$' },
  settings: z.object({ timeoutInMs: z.number().int().positive().default(3_600_000) }),
  *run(ctx) {
    ctx.step('Ask');
    const answer = yield* ctx.approval({
      approvers: ['carol@contoso.com', 'erin@contoso.com'],
      question: `Uninstall <b>${ctx.incident.title}</b>?`,
      timeoutInMs: ctx.settings.timeoutInMs,
    });
    ctx.step('Act on the answer');
    yield* ctx.comment(html`<p>Outcome: ${answer.outcome}${answer.by ? html` by ${answer.by}` : ''}</p>`);
  },
});

export const fanOut = definePlaybook({
  name: 'sdk-parallel',
  title: 'SDK test: parallel',
  description: 'Reads users concurrently; one sub-step handles its own failure.',
  version: '1.0.0',
  when: { titlePattern: '^never$' },
  settings: z.object({}),
  *run(ctx) {
    const [alice, manager, missing] = yield* ctx.parallel(
      ctx.read(entra.getUser, { user: 'alice@contoso.com' }),
      ctx.read(entra.getManager, { user: 'dave@contoso.com' }),
      (function* () {
        try {
          return yield* ctx.read(entra.getUser, { user: 'nobody@contoso.com' });
        } catch (error) {
          return (error as Error).message;
        }
      })(),
    );
    yield* ctx.comment(html`<p>${alice.displayName ?? ''}|${manager.manager?.userPrincipalName ?? ''}|${typeof missing === 'string' ? missing : 'found'}</p>`);
  },
});

export const awaitEntities = definePlaybook({
  name: 'sdk-entities',
  title: 'SDK test: wait for entities',
  description: 'Waits for account entities, then comments who it found.',
  version: '1.0.0',
  when: { titlePattern: '^never$' },
  settings: z.object({}),
  *run(ctx) {
    const incident = yield* ctx.waitForEntities({ timeoutInMs: 10 * 60_000, pollIntervalInMs: 2 * 60_000, kinds: ['Account'] });
    const names = incident.accounts().map((a) => a.upn ?? a.accountName ?? '?');
    yield* ctx.comment(html`<p>Accounts: ${names.length ? names.join(', ') : 'none after 10 minutes'}</p>`);
  },
});

export const undeclared = definePlaybook({
  name: 'sdk-undeclared',
  title: 'SDK test: undeclared action',
  description: 'Declares only e-mail but reads a user.',
  version: '1.0.0',
  when: { titlePattern: '^never$' },
  settings: z.object({}),
  actions: [email.sendEmail],
  *run(ctx) {
    yield* ctx.read(entra.getUser, { user: 'alice@contoso.com' });
  },
});

export const manySteps = definePlaybook({
  name: 'sdk-many-steps',
  title: 'SDK test: many long steps',
  description: 'Names 300 steps with long names, then comments once.',
  version: '1.0.0',
  when: { titlePattern: '^never$' },
  settings: z.object({}),
  *run(ctx) {
    for (let i = 0; i < 300; i++) ctx.step(`Step ${i} ${'x'.repeat(300)}`);
    yield* ctx.comment(html`<p>Done after many steps</p>`);
  },
});

export const quotedApprovers = definePlaybook({
  name: 'sdk-quoted-approvers',
  title: 'SDK test: approvers that are not addresses',
  description: 'Asks 20 approvers of 254 characters, mostly ", which JSON escapes: over 16 KB in the custom status.',
  version: '1.0.0',
  when: { titlePattern: '^never$' },
  settings: z.object({}),
  *run(ctx) {
    ctx.step('Ask');
    yield* ctx.approval({
      approvers: Array.from({ length: 20 }, (_, i) => `${String(i).padStart(2, '0')}${'"'.repeat(240)}@contoso.com`),
      question: 'Go?',
      timeoutInMs: 3_600_000,
    });
  },
});

export const sdkPlaybooks = [askApproval, fanOut, awaitEntities, undeclared, manySteps, quotedApprovers];
