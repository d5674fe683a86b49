// Compiled with the project: every line after `@ts-expect-error` MUST fail to type-check (the build fails
// on an unused directive), so this file proves that action handles are typed. types.test.ts compiles it
// again without the directives and checks that exactly those lines fail.
// It imports single modules (not the SDK index) so that types.test.ts type-checks it quickly.
import { z } from 'zod';
import { isPlannedEffect as isPlanned } from '../../src/actions/action.js';
import { disableRepository } from '../../src/actions/azdo/disableRepository.js';
import { enablePolicy } from '../../src/actions/azdo/enablePolicy.js';
import { restoreRepository } from '../../src/actions/azdo/restoreRepository.js';
import { getManager } from '../../src/actions/entra/getManager.js';
import { getUser } from '../../src/actions/entra/getUser.js';
import { definePlaybook } from '../../src/sdk/playbook.js';

const azdo = { disableRepository, enablePolicy, restoreRepository };
const entra = { getUser, getManager };

export const typeChecks = definePlaybook({
  name: 'type-checks',
  title: 'Type checks',
  description: 'Never registered; only compiled.',
  version: '0.0.1',
  when: { titlePattern: '^never$' },
  settings: z.object({ lock: z.boolean().default(true) }),
  *run(ctx) {
    const user = yield* ctx.read(entra.getUser, { user: 'alice@contoso.com' });
    const upn: string = user.userPrincipalName;
    // @ts-expect-error the output is typed, not any: displayName is string | null
    const wrongOutput: number = user.displayName;
    // @ts-expect-error an unknown input field
    yield* ctx.read(entra.getUser, { user: 'alice@contoso.com', extra: true });
    // @ts-expect-error a missing input field
    yield* ctx.run(azdo.disableRepository, { project: 'Payments' });
    // @ts-expect-error a wrong input type
    yield* ctx.run(azdo.enablePolicy, { project: 'Payments', policyId: '12' });
    const restored = yield* ctx.run(azdo.restoreRepository, { project: 'Payments', repository: 'legacy-billing' });
    // @ts-expect-error a side effect may have been planned (dry run): narrow before using the output
    const name: string = restored.name;
    if (!isPlanned(restored)) {
      const restoredName: string = restored.name;
      void restoredName;
    }
    // @ts-expect-error settings are typed from the schema
    const lock: string = ctx.settings.lock;
    // @ts-expect-error only valid classification and reason pairs
    yield* ctx.close('TruePositive', 'SuspiciousButExpected');
    yield* ctx.close('FalsePositive', 'InaccurateData');
    const answer = yield* ctx.approval({ approvers: ['carol@contoso.com'], question: 'Go?', timeoutInMs: 60_000 });
    // @ts-expect-error outcomes are a string union
    if (answer.outcome === 'maybe') return;
    const [a, b] = yield* ctx.parallel(ctx.read(entra.getUser, { user: 'a' }), ctx.read(entra.getManager, { user: 'b' }));
    // @ts-expect-error parallel results keep their own types
    const wrongManager: string = b.manager;
    void [upn, wrongOutput, name, lock, a];
  },
});
