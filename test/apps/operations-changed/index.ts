// The operations test app after an incompatible edit: 'ops-label' now comments before it labels. A run
// recorded with the original app must fail to replay against this one.
import { z } from 'zod';
import '../../../functions/actions.js';
import { html } from '../../../src/actions/index.js';
import { definePlaybook } from '../../../src/sdk/playbook.js';
import { registerPlaybooks } from '../../../src/sdk/register.js';

registerPlaybooks([
  definePlaybook({
    name: 'ops-label',
    title: 'Label and comment',
    description: 'Comments, then labels the incident (the steps of the original, swapped).',
    version: '1.0.0',
    when: { titlePattern: 'ops-label' },
    settings: z.object({ label: z.string().default('triaged-by-soar') }),
    *run(ctx) {
      yield* ctx.comment(html`<p>Looked at ${ctx.incident.title}.</p>`);
      yield* ctx.addLabels(ctx.settings.label);
    },
  }),
]);
