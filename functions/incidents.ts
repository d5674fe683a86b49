// Incident intake: the relay's webhook (POST /api/incidents), the intake ledger (GET /api/intake) and the
// reconciler timer (registered only when RECONCILER_ENABLED=true). The catalogue (and with it the playbooks,
// the actions and zod) loads on the first delivery, not at start.
import { createRequire } from 'node:module';
import { registerIntake } from '../src/routing/intake.js';
import { registerReconciler } from '../src/routing/reconciler.js';

const require = createRequire(import.meta.url);
const catalogue = () => (require('../playbooks/catalogue.js') as typeof import('../playbooks/catalogue.js')).catalogue;

registerIntake({ catalogue });
registerReconciler({ catalogue });
