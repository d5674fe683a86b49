// Runbook: branch policy disabled (work in progress by H10).
import { definePlaybook, z } from '../src/sdk/index.js';

const RULE = '5ca1ab1e-0000-4000-8000-000000000004';

export const branchPolicyDisabled = definePlaybook({
  name: 'branch-policy-disabled',
  title: 'Branch policy disabled',
  description: 'Branch policy disabled: being written.',
  version: '0.1.0',
  when: { analyticRuleIds: [RULE], enabled: false },
  settings: z.object({}),
  *run() {
    throw new Error('Not written yet');
  },
});
