// An app that drives orchestrations through the unmodified durable client, over the host's Durable HTTP API.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient, OrchestrationContext } from 'durable-functions';

df.app.activity('greet', { handler: (name: string) => `Hello ${name}!` });

df.app.orchestration('greeting', function* (context: OrchestrationContext) {
  const name = context.df.getInput() as string;
  const first: string = yield context.df.callActivity('greet', name);
  const second: string = yield context.df.callActivity('greet', `${name} again`);
  return [first, second];
});

df.app.orchestration('awaitDecision', function* (context: OrchestrationContext) {
  context.df.setCustomStatus('waiting');
  const decision: unknown = yield context.df.waitForExternalEvent('decision');
  return decision;
});

df.app.orchestration('explodes', function* (context: OrchestrationContext) {
  yield context.df.callActivity('greet', 'before');
  throw new Error('exploded on purpose');
});

df.app.orchestration('napper', function* (context: OrchestrationContext) {
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 3600_000));
  return 'rested';
});

df.app.client.http('startOrchestration', {
  route: 'orchestrators/{name}',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: async (request: HttpRequest, client: DurableClient): Promise<HttpResponseInit> => {
    const body = await request.text();
    const id = await client.startNew(request.params.name!, body ? { input: JSON.parse(body) as unknown } : undefined);
    return client.createCheckStatusResponse(request, id);
  },
});

// Exercises the rest of the client API against the host: /api/client/{op}/{id}
df.app.client.http('clientOps', {
  route: 'client/{op}/{id?}',
  methods: ['POST', 'GET'],
  authLevel: 'anonymous',
  handler: async (request: HttpRequest, client: DurableClient): Promise<HttpResponseInit> => {
    const id = request.params.id ?? '';
    switch (request.params.op) {
      case 'status':
        return { jsonBody: await client.getStatus(id, { showHistory: true, showHistoryOutput: true }) };
      case 'raise':
        await client.raiseEvent(id, 'decision', await request.json());
        return { status: 202 };
      case 'terminate':
        await client.terminate(id, 'stopped by test');
        return { status: 202 };
      case 'suspend':
        await client.suspend(id, 'paused by test');
        return { status: 202 };
      case 'resume':
        await client.resume(id, 'resumed by test');
        return { status: 202 };
      case 'all':
        return { jsonBody: (await client.getStatusAll()).map((s) => s.instanceId) };
      case 'startWithId':
        return { jsonBody: { id: await client.startNew('awaitDecision', { instanceId: request.query.get('instanceId') ?? '' }) } };
      case 'inputs':
        return { jsonBody: (await client.getStatusAll()).map((s) => [s.instanceId, s.input]) };
      case 'canceled':
        return { jsonBody: await client.getStatusBy({ runtimeStatus: [df.OrchestrationRuntimeStatus.Canceled] }) };
      case 'purge':
        try {
          return { jsonBody: await client.purgeInstanceHistory(id) };
        } catch (err) {
          return { status: 500, body: (err as Error).message };
        }
      default:
        return { status: 404 };
    }
  },
});
