// Run operations: manual runs (POST /api/playbooks/{name}/runs), GET /api/runs, GET /api/runs/{instanceId}
// (+ /history), POST /api/runs/{instanceId}/cancel and /approval, and the run timeline page (GET /api/ui,
// GET /api/ui/runs/{instanceId}); all behind function auth. The catalogue, the actions (for step titles) and
// the Sentinel integration load on the first request.
import { createRequire } from 'node:module';
import { registerOperations } from '../src/operations/api.js';

const require = createRequire(import.meta.url);

registerOperations(() => {
  const { catalogue } = require('../playbooks/catalogue.js') as typeof import('../playbooks/catalogue.js');
  const { allActions } = require('../src/actions/index.js') as typeof import('../src/actions/index.js');
  const { sdkActions } = require('../src/sdk/sdkActions.js') as typeof import('../src/sdk/sdkActions.js');
  const { appOperations } = require('../src/operations/integrations.js') as typeof import('../src/operations/integrations.js');
  return appOperations(catalogue, [...allActions, ...sdkActions]);
});
