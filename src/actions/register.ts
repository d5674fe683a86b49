// The one way an action becomes a durable activity (named action.activityName).
import * as df from 'durable-functions';
import { executeAction, type ActionEnvelope } from './action.js';
import type { AnyAction } from './index.js';

export function registerActionActivities(actions: readonly AnyAction[]): void {
  for (const action of actions) {
    df.app.activity(action.activityName, {
      handler: (envelope: ActionEnvelope, context) => executeAction(action, envelope, (message) => context.log(message)),
    });
  }
}
