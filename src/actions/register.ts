// The one way an action becomes a durable activity (named activityNameOf(action.name)). Registering takes
// names only, so that start-up loads no action: `load` and the action contract (zod) run on the first
// invocation, with require, synchronous like the orchestrators' loads (src/sdk/register.ts).
import { createRequire } from 'node:module';
import * as df from 'durable-functions';
import type { ActionEnvelope } from './action.js';
import type { AnyAction } from './index.js';
import { activityNameOf } from './names.js';

const require = createRequire(import.meta.url);

/** Registers one activity per action name; `load` returns the actions, on the first invocation of any. */
export function registerActionActivities(names: readonly string[], load: () => readonly AnyAction[]): void {
  let byName: ReadonlyMap<string, AnyAction> | undefined;
  const actionNamed = (name: string): AnyAction => {
    byName ??= new Map(load().map((action) => [action.name, action]));
    const action = byName.get(name);
    if (!action) throw new Error(`The activity ${activityNameOf(name)} is registered, but no action is named '${name}'.`);
    return action;
  };
  for (const name of names) {
    df.app.activity(activityNameOf(name), {
      handler: (envelope: ActionEnvelope, context) => {
        const { executeAction } = require('./action.js') as typeof import('./action.js');
        return executeAction(actionNamed(name), envelope, (message) => context.log(message));
      },
    });
  }
}
