// Operations test app: two small playbooks over the real actions, and the run operations endpoints
// registered through the same factory functions/runs.ts uses.
import { z } from 'zod';
import '../../../functions/actions.js';
import { allActions, html } from '../../../src/actions/index.js';
import { registerPlaybookList } from '../../../src/routing/catalogueApi.js';
import { registerOperations } from '../../../src/operations/api.js';
import { appOperations } from '../../../src/operations/integrations.js';
import { definePlaybook } from '../../../src/sdk/playbook.js';
import { registerPlaybooks } from '../../../src/sdk/register.js';
import { readSettings, requestApproval } from '../../../src/sdk/sdkActions.js';

// @@@SNIPSTART label-playbook
export const labelPlaybook = definePlaybook({
  name: 'ops-label',
  title: 'Label and comment',
  description: 'Labels the incident and comments on it.',
  version: '1.0.0',
  when: { titlePattern: 'ops-label' },
  settings: z.object({ label: z.string().default('triaged-by-soar') }),
  *run(ctx) {
    ctx.step('label');
    yield* ctx.addLabels(ctx.settings.label);
    ctx.step('comment');
    yield* ctx.comment(html`<p>Looked at ${ctx.incident.title}.</p>`);
  },
});
// @@@SNIPEND

// @@@SNIPSTART approval-playbook
export const approvalPlaybook = definePlaybook({
  name: 'ops-approval',
  title: 'Approve, then label',
  description: 'Asks carol for approval, then labels the incident with the outcome.',
  version: '1.0.0',
  when: { titlePattern: 'ops-approval' },
  settings: z.object({}),
  *run(ctx) {
    ctx.step('approval');
    const answer = yield* ctx.approval({ approvers: ['carol@contoso.com'], question: 'Go ahead?', timeoutInMs: 3_600_000 });
    yield* ctx.addLabels(`approval-${answer.outcome}`);
  },
});
// @@@SNIPEND

const playbooks = [labelPlaybook, approvalPlaybook];
registerPlaybooks(playbooks);
registerPlaybookList({ catalogue: playbooks });
registerOperations(appOperations(playbooks, [...allActions, readSettings, requestApproval]));
