// Test app for the local host's HTTP and timer triggers: route forms, methods, auth levels, request and
// response shapes, a throwing handler and timer triggers. Tests import `timerCalls` from this same module.
import * as df from 'durable-functions';
import { app, type HttpHandler, type HttpRequest, type InvocationContext, type Timer } from '@azure/functions';

export const timerCalls: { name: string; timer: Timer }[] = [];
export const appHookCalls: { hook: string; hookData: Record<string, unknown> }[] = [];

app.hook.appStart((context) => {
  context.hookData.startedBy = 'appStart';
  appHookCalls.push({ hook: 'appStart', hookData: { ...context.hookData } });
});
app.hook.appTerminate((context) => {
  appHookCalls.push({ hook: 'appTerminate', hookData: { ...context.hookData } });
});

const params = (request: HttpRequest) => ({ jsonBody: { params: request.params } });

app.http('itemById', { route: 'items/{id:int}', methods: ['GET'], authLevel: 'anonymous', handler: params });
app.http('itemByName', { route: 'items/{name:alpha}', methods: ['GET'], authLevel: 'anonymous', handler: params });
app.http('itemSpecial', {
  route: 'items/special',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: () => ({ jsonBody: { special: true } }),
});
app.http('thingByGuid', { route: 'things/{id:guid}', methods: ['GET'], authLevel: 'anonymous', handler: params });
app.http('optional', { route: 'opt/{name?}', methods: ['GET'], authLevel: 'anonymous', handler: params });
app.http('files', { route: 'files/{*path}', methods: ['GET'], authLevel: 'anonymous', handler: params });
app.http('pair', { route: 'pair/{first}/{second}', methods: ['GET'], authLevel: 'anonymous', handler: params });
app.http('deleteOnly', { route: 'only-delete', methods: ['DELETE'], authLevel: 'anonymous', handler: () => ({ status: 200 }) });
// No route: served at the function name; no methods: GET and POST.
app.http('defaultRoute', { authLevel: 'anonymous', handler: (request) => ({ body: `method ${request.method}` }) });

app.http('echo', {
  route: 'echo/{kind}',
  methods: ['POST', 'PUT'],
  authLevel: 'anonymous',
  handler: async (request: HttpRequest) => {
    const text = await request.text();
    return {
      status: 201,
      headers: { 'x-echo-kind': request.params.kind ?? '' },
      jsonBody: {
        method: request.method,
        url: request.url,
        query: Object.fromEntries(request.query.entries()),
        contentType: request.headers.get('content-type'),
        custom: request.headers.get('x-custom'),
        body: text,
      },
    };
  },
});

app.http('echoJson', {
  route: 'echo-json',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: async (request: HttpRequest) => ({ jsonBody: { received: await request.json() } }),
});

app.http('binary', {
  route: 'binary',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: () => ({ body: new Uint8Array([0, 1, 2, 254, 255]), headers: { 'content-type': 'application/octet-stream' } }),
});

app.http('text', {
  route: 'text',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: () => ({
    status: 202,
    body: 'plain text',
    cookies: [{ name: 'session', value: 'abc', path: '/', httpOnly: true, sameSite: 'Strict' }],
  }),
});

// The types demand a response, but JavaScript handlers can return nothing; the host answers 204.
const returnsNothing = (() => undefined) as unknown as HttpHandler;
app.http('noContent', { route: 'nothing', methods: ['GET'], authLevel: 'anonymous', handler: returnsNothing });

app.http('settingValue', {
  route: 'setting/{name}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request) => ({ jsonBody: { value: process.env[request.params.name ?? ''] ?? null } }),
});

app.http('functionLevel', { route: 'secure/fn', methods: ['GET'], authLevel: 'function', handler: () => ({ body: 'fn ok' }) });
app.http('adminLevel', { route: 'secure/admin', methods: ['GET'], authLevel: 'admin', handler: () => ({ body: 'admin ok' }) });

app.http('throws', {
  route: 'throws',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request: HttpRequest, context: InvocationContext) => {
    // Log and throw secrets the way careless code does: the host must redact every one of them.
    context.log(`called ${request.url} with key ${request.headers.get('x-functions-key')}`);
    context.log(`authorization: ${request.headers.get('authorization')}`);
    throw new Error(`upstream refused token ${process.env.TEST_API_TOKEN} and ghp_abcdefghijklmnopqrstuvwxyz0123456789`);
  },
});

app.timer('tick', {
  schedule: '%TICK_SCHEDULE%',
  handler: (timer: Timer) => {
    timerCalls.push({ name: 'tick', timer });
  },
});

app.timer('startupTick', {
  schedule: '0 0 3 * * MON-FRI',
  runOnStartup: true,
  handler: (timer: Timer) => {
    timerCalls.push({ name: 'startupTick', timer });
  },
});

// A Durable starter behind an HTTP trigger: the durableClient input comes from the host's provider, and
// the status URL of createCheckStatusResponse is served by the mounted Durable HTTP API.
df.app.activity('greet', { handler: (name: string) => `Hello ${name}` });
df.app.orchestration('greeting', function* (context) {
  const input = context.df.getInput<string>();
  const greeting: string = yield context.df.callActivity('greet', input);
  return greeting;
});
df.app.client.http('startGreeting', {
  route: 'greetings/{name}',
  methods: ['POST'],
  authLevel: 'function',
  handler: async (request, client) => {
    const instanceId = await client.startNew('greeting', { input: request.params.name });
    return client.createCheckStatusResponse(request, instanceId);
  },
});
