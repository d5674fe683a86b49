// Version A of an orchestration that test/durable/nonDeterminism.test.ts changes between runs (see version B).
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';

for (const name of ['notifyOwner', 'collectEvidence', 'closeIncident']) {
  df.app.activity(name, { handler: () => `${name} done` });
}

df.app.orchestration('incidentFlow', function* (context: OrchestrationContext) {
  yield context.df.callActivity('notifyOwner');
  yield context.df.callActivity('collectEvidence');
  yield context.df.waitForExternalEvent('approval');
  return yield context.df.callActivity('closeIncident');
});
