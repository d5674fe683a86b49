// Every action of the catalogue, registered once as a durable activity.
import { allActions } from '../src/actions/index.js';
import { registerActionActivities } from '../src/actions/register.js';

registerActionActivities(allActions);
