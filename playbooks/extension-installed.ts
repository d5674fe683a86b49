// Runbook: extension installed (work in progress by H10).
import { definePlaybook, z } from '../src/sdk/index.js';

const RULE = '5ca1ab1e-0000-4000-8000-000000000006';

export const extensionInstalled = definePlaybook({
  name: 'extension-installed',
  title: 'Extension installed',
  description: 'Extension installed: being written.',
  version: '0.1.0',
  when: { analyticRuleIds: [RULE], enabled: false },
  settings: z.object({}),
  *run() {
    throw new Error('Not written yet');
  },
});
