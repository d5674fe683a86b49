// Version B of the orchestration in durableVersionA: step 1 now calls a different activity.
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';

for (const name of ['notifyOwner', 'revokeTokens', 'closeIncident']) {
  df.app.activity(name, { handler: () => `${name} done` });
}

df.app.orchestration('incidentFlow', function* (context: OrchestrationContext) {
  yield context.df.callActivity('notifyOwner');
  yield context.df.callActivity('revokeTokens');
  yield context.df.waitForExternalEvent('approval');
  return yield context.df.callActivity('closeIncident');
});
