// Every action of the catalogue, registered once as a durable activity.

import * as df from 'durable-functions';
import { executeAction, type ActionEnvelope } from '../src/actions/action.js';
import { allActions } from '../src/actions/index.js';

for (const action of allActions) {
  df.app.activity(action.activityName, {
    handler: (envelope: ActionEnvelope, context) => executeAction(action, envelope, (message) => context.log(message)),
  });
}
