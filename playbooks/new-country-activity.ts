// Runbook: activity from a new country (work in progress by H10).
import { definePlaybook, z } from '../src/sdk/index.js';

const RULE = '5ca1ab1e-0000-4000-8000-000000000007';

export const newCountryActivity = definePlaybook({
  name: 'new-country-activity',
  title: 'Activity from a new country',
  description: 'Activity from a new country: being written.',
  version: '0.1.0',
  when: { analyticRuleIds: [RULE], enabled: false },
  settings: z.object({}),
  *run() {
    throw new Error('Not written yet');
  },
});
