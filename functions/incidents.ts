// Incident intake: the relay's webhook (POST /api/incidents), the intake ledger (GET /api/intake) and the
// reconciler timer (registered only when RECONCILER_ENABLED=true).
import { catalogue } from '../playbooks/catalogue.js';
import { registerIntake } from '../src/routing/intake.js';
import { registerReconciler } from '../src/routing/reconciler.js';

registerIntake({ catalogue });
registerReconciler({ catalogue });
