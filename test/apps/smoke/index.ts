// A minimal app used by the loader smoke test: one HTTP trigger, one orchestration, one activity.
import { app } from '@azure/functions';
import * as df from 'durable-functions';

df.app.activity('smokeHello', { handler: (name: string) => `Hello ${name}` });

df.app.orchestration('smokeOrchestration', function* (context) {
  const greeting: string = yield context.df.callActivity('smokeHello', 'Tokyo');
  return greeting;
});

app.http('smokePing', {
  route: 'ping/{name?}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request) => ({ jsonBody: { pong: request.params.name ?? null } }),
});
