// Every action of the catalogue, registered once as a durable activity. By name: the actions (and zod) load
// on the first activity run, not at start-up.
import { createRequire } from 'node:module';
import { allActionNames } from '../src/actions/names.js';
import { registerActionActivities } from '../src/actions/register.js';

const require = createRequire(import.meta.url);

registerActionActivities(allActionNames, () => (require('../src/actions/index.js') as typeof import('../src/actions/index.js')).allActions);
