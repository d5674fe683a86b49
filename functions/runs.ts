// Run operations: manual runs (POST /api/playbooks/{name}/runs), GET /api/runs, GET /api/runs/{instanceId}
// (+ /history), POST /api/runs/{instanceId}/cancel and /approval, and the run timeline page (GET /api/ui,
// GET /api/ui/runs/{instanceId}); all behind function auth.
import { catalogue } from '../playbooks/catalogue.js';
import { allActions } from '../src/actions/index.js';
import { registerOperations } from '../src/operations/api.js';
import { appOperations } from '../src/operations/integrations.js';
import { sdkActions } from '../src/sdk/sdkActions.js';

registerOperations(appOperations(catalogue, [...allActions, ...sdkActions]));
