// The modules routing needs that load zod (incident validation, the Sentinel actions), loaded on first use
// rather than when the app registers its functions: registering the intake and the reconciler stays cheap,
// and a cold start that serves other functions never loads them. They are required, as every other lazy
// load of the app is (src/actions/register.ts, src/sdk/register.ts): one mechanism, synchronous and cached
// by Node, so a require() never meets an import() of the same module still in flight.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** src/incident/normalise.ts: normaliseIncident, IncidentValidationError, clean. */
export function loadNormalise(): typeof import('../incident/normalise.js') {
  return require('../incident/normalise.js') as typeof import('../incident/normalise.js');
}

/** What the reconciler calls in Sentinel, and how it runs an action outside an orchestration. */
export function loadSentinelActions(): {
  executeAction: typeof import('../actions/action.js').executeAction;
  listAlerts: typeof import('../actions/sentinel/listAlerts.js').listAlerts;
  listEntities: typeof import('../actions/sentinel/listEntities.js').listEntities;
  listIncidents: typeof import('../actions/sentinel/listIncidents.js').listIncidents;
} {
  const { executeAction } = require('../actions/action.js') as typeof import('../actions/action.js');
  const { listAlerts } = require('../actions/sentinel/listAlerts.js') as typeof import('../actions/sentinel/listAlerts.js');
  const { listEntities } = require('../actions/sentinel/listEntities.js') as typeof import('../actions/sentinel/listEntities.js');
  const { listIncidents } = require('../actions/sentinel/listIncidents.js') as typeof import('../actions/sentinel/listIncidents.js');
  return { executeAction, listAlerts, listEntities, listIncidents };
}
