// The local host's HTTP trigger semantics, over real HTTP against the test app in test/apps/http.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import type { Timer } from '@azure/functions';
import { startHost, type LocalHost } from '../../src/host/index.js';
import { HttpTriggers } from '../../src/host/http/httpTriggers.js';
import { listen } from '../../src/host/http/server.js';
import { HostLogger } from '../../src/host/log.js';
import { VirtualClock } from '../../src/host/clock.js';
import { eventually, httpAppEntry, makeAppFolder, type AppFolder } from './hostFixture.js';

const functionKey = 'fk-test-4f1d2c9a7b';
const masterKey = 'mk-test-8e3b5a1c6d';
const apiToken = 'tok-planted-9d8c7b6a5f';
const bearer = 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

let folder: AppFolder;
let host: LocalHost;
let logger: HostLogger;
let timerCalls: { name: string; timer: Timer }[];
let appHookCalls: { hook: string; hookData: Record<string, unknown> }[];
const clock = new VirtualClock(Date.UTC(2026, 0, 5, 0, 0, 0)); // a Monday

before(async () => {
  folder = await makeAppFolder({
    hostJson: { version: '2.0', extensions: { http: { routePrefix: 'api' } } },
    localSettings: {
      IsEncrypted: false,
      Values: {
        SOAR_FUNCTION_KEY: functionKey,
        SOAR_MASTER_KEY: masterKey,
        TEST_API_TOKEN: apiToken,
        TICK_SCHEDULE: '0 */5 * * * *',
        H1_FROM_FILE: 'file value',
        H1_PRESET: 'file value',
        H1_OVERRIDDEN: 'file value',
      },
    },
  });
  logger = new HostLogger({ mode: 'silent', level: 'debug' });
  process.env.H1_PRESET = 'environment value';
  process.env.H1_OVERRIDDEN = 'environment value';
  host = await startHost({
    appDir: folder.dir,
    main: httpAppEntry,
    port: 0,
    logger,
    clock,
    settings: { H1_OVERRIDDEN: 'override value' },
  });
  // Only now: importing the app before the host loads it would load @azure/functions outside the host.
  ({ timerCalls, appHookCalls } = await import('../apps/http/index.js'));
});

after(async () => {
  await host?.close();
  await folder?.remove();
  delete process.env.H1_PRESET;
  delete process.env.H1_OVERRIDDEN;
});

async function get(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(host.url + path, init);
}

async function json(path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const res = await get(path, init);
  return { status: res.status, body: await res.json() };
}

describe('routes', () => {
  test('a constrained parameter matches only values that satisfy it', async () => {
    assert.deepEqual(await json('/api/items/42'), { status: 200, body: { params: { id: '42' } } });
    assert.deepEqual(await json('/api/items/widget'), { status: 200, body: { params: { name: 'widget' } } });
    // Neither int nor alpha: no route.
    assert.equal((await get('/api/items/w1dget')).status, 404);
    // int is a 32-bit integer.
    assert.equal((await get('/api/items/99999999999')).status, 404);
  });

  test('a literal segment wins over a parameter', async () => {
    assert.deepEqual(await json('/api/items/special'), { status: 200, body: { special: true } });
  });

  test('guid constraint', async () => {
    const id = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
    assert.deepEqual(await json(`/api/things/${id}`), { status: 200, body: { params: { id } } });
    assert.equal((await get('/api/things/not-a-guid')).status, 404);
  });

  test('optional parameter present and absent', async () => {
    assert.deepEqual(await json('/api/opt/tokyo'), { status: 200, body: { params: { name: 'tokyo' } } });
    assert.deepEqual(await json('/api/opt'), { status: 200, body: { params: {} } });
    assert.deepEqual(await json('/api/opt/'), { status: 200, body: { params: {} } });
  });

  test('catch-all takes the rest of the path, slashes included', async () => {
    assert.deepEqual(await json('/api/files/a/b/c.txt'), { status: 200, body: { params: { path: 'a/b/c.txt' } } });
    assert.deepEqual(await json('/api/files/one%20two'), { status: 200, body: { params: { path: 'one two' } } });
  });

  test('plain parameters, decoded; literals ignore case', async () => {
    assert.deepEqual(await json('/API/Pair/x%2Fy/z'), { status: 200, body: { params: { first: 'x/y', second: 'z' } } });
    assert.equal((await get('/api/pair/only-one')).status, 404);
  });

  test('default route is the function name and default methods are GET and POST', async () => {
    const getRes = await get('/api/defaultRoute');
    assert.equal(getRes.status, 200);
    assert.equal(await getRes.text(), 'method GET');
    const postRes = await get('/api/defaultRoute', { method: 'POST', body: 'x' });
    assert.equal(await postRes.text(), 'method POST');
    assert.equal((await get('/api/defaultRoute', { method: 'PUT', body: 'x' })).status, 404);
  });

  test('an unmatched method is 404, not 405', async () => {
    assert.equal((await get('/api/only-delete')).status, 404);
    assert.equal((await get('/api/only-delete', { method: 'DELETE' })).status, 200);
  });

  test('unknown routes and paths outside the prefix are 404 with an empty body', async () => {
    const res = await get('/api/nowhere');
    assert.equal(res.status, 404);
    assert.equal(await res.text(), '');
    assert.equal((await get('/items/42')).status, 404);
  });

  test('the route prefix comes from host.json and may be empty', async () => {
    for (const [prefix, path] of [
      ['', '/items/7'],
      ['v1/public', '/v1/public/items/7'],
    ] as const) {
      const triggers = new HttpTriggers({
        registrations: host.registrations,
        logger,
        extraInputs: {},
        routePrefix: prefix,
        keys: host.keys,
      });
      const server = await listen({ mounts: [], triggers, logger }, 0);
      try {
        const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
        assert.deepEqual(await res.json(), { params: { id: '7' } });
        assert.equal((await fetch(`http://127.0.0.1:${server.port}/api/items/7`)).status, 404);
      } finally {
        await server.close();
      }
    }
  });
});

describe('server', () => {
  test('a port already in use is a clear error', async () => {
    const triggers = new HttpTriggers({ registrations: host.registrations, logger, extraInputs: {}, routePrefix: 'api', keys: host.keys });
    await assert.rejects(listen({ mounts: [], triggers, logger }, host.port), {
      message: `Port ${host.port} on 127.0.0.1 is already in use; choose another port.`,
    });
  });

  test('a Host header that makes no URL is a 400', async () => {
    const statusLine = await new Promise<string>((resolve, reject) => {
      const socket = connect(host.port, '127.0.0.1', () => socket.write('GET /api/items/1 HTTP/1.1\r\nHost: a b\r\n\r\n'));
      socket.once('data', (data) => {
        resolve(data.toString().split('\r\n')[0] ?? '');
        socket.destroy();
      });
      socket.once('error', reject);
    });
    assert.equal(statusLine, 'HTTP/1.1 400 Bad Request');
  });

  test('mounted handlers get the path below their prefix before app routes are tried', async () => {
    const triggers = new HttpTriggers({ registrations: host.registrations, logger, extraInputs: {}, routePrefix: 'api', keys: host.keys });
    const seen: string[] = [];
    const server = await listen(
      {
        mounts: [
          {
            prefix: '/api/items/',
            handle: async (_req, res, subPath) => {
              seen.push(subPath);
              res.end('mounted');
            },
          },
        ],
        triggers,
        logger,
      },
      0,
    );
    try {
      assert.equal(await (await fetch(`http://127.0.0.1:${server.port}/API/items/a%20b/c?code=x`)).text(), 'mounted');
      assert.deepEqual(seen, ['a%20b/c']);
      assert.equal((await fetch(`http://127.0.0.1:${server.port}/api/opt/x`)).status, 200);
    } finally {
      await server.close();
    }
  });
});

describe('auth levels', () => {
  test('anonymous needs no key', async () => {
    assert.equal((await get('/api/items/1')).status, 200);
  });

  test('function level: 401 without a key or with a wrong key, empty body', async () => {
    const none = await get('/api/secure/fn');
    assert.equal(none.status, 401);
    assert.equal(await none.text(), '');
    assert.equal((await get('/api/secure/fn', { headers: { 'x-functions-key': 'wrong' } })).status, 401);
    assert.equal((await get('/api/secure/fn?code=wrong')).status, 401);
  });

  test('function level: the function key in the header or in code, or the master key', async () => {
    const byHeader = await get('/api/secure/fn', { headers: { 'x-functions-key': functionKey } });
    assert.equal(byHeader.status, 200);
    assert.equal(await byHeader.text(), 'fn ok');
    assert.equal((await get(`/api/secure/fn?code=${functionKey}`)).status, 200);
    assert.equal((await get('/api/secure/fn', { headers: { 'x-functions-key': masterKey } })).status, 200);
    assert.equal(host.functionKey, functionKey);
  });

  test('admin level: the function key is refused, the master key accepted', async () => {
    assert.equal((await get('/api/secure/admin', { headers: { 'x-functions-key': functionKey } })).status, 401);
    assert.equal((await get(`/api/secure/admin?code=${functionKey}`)).status, 401);
    const ok = await get(`/api/secure/admin?code=${masterKey}`);
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), 'admin ok');
  });
});

describe('requests and responses', () => {
  test('body, headers and query reach the handler; status, headers and JSON come back', async () => {
    const res = await get('/api/echo/note?a=1&b=two&b=three', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'X-Custom': 'Value' },
      body: 'hello body',
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-echo-kind'), 'note');
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await res.json(), {
      method: 'POST',
      url: `${host.url}/api/echo/note?a=1&b=two&b=three`,
      query: { a: '1', b: 'two,three' },
      contentType: 'text/plain',
      custom: 'Value',
      body: 'hello body',
    });
  });

  test('a JSON request body is read with request.json()', async () => {
    const body = { incident: { id: 7, labels: ['a', 'b'] } };
    assert.deepEqual(
      await json('/api/echo-json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      { status: 200, body: { received: body } },
    );
  });

  test('binary bodies come back byte for byte', async () => {
    const res = await get('/api/binary');
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.deepEqual([...new Uint8Array(await res.arrayBuffer())], [0, 1, 2, 254, 255]);
  });

  test('string bodies, status and cookies come back', async () => {
    const res = await get('/api/text');
    assert.equal(res.status, 202);
    assert.equal(await res.text(), 'plain text');
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(res.headers.get('set-cookie'), 'session=abc; Path=/; HttpOnly; SameSite=Strict');
  });

  test('a handler that returns nothing answers 204', async () => {
    const res = await get('/api/nothing');
    assert.equal(res.status, 204);
    assert.equal(await res.text(), '');
  });

  test('a body over 100 MiB is refused with 413 before the handler runs', async () => {
    const echoes = (): number => logger.lines.filter((l) => l.includes("Executed 'echo'")).length;
    const before = echoes();
    // fetch will not send a declared length it does not deliver; node:http will.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${host.url}/api/echo/big`, { method: 'POST', headers: { 'content-length': 100 * 1024 * 1024 + 1 } });
      req.on('response', (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('partial');
    });
    assert.equal(status, 413);
    assert.equal(echoes(), before);
  });

  test('a streamed body that passes the limit is cut off with 413 and the connection closed', async () => {
    const triggers = new HttpTriggers({
      registrations: host.registrations,
      logger,
      extraInputs: {},
      routePrefix: 'api',
      keys: host.keys,
      maxRequestBodyBytes: 64 * 1024,
    });
    const server = await listen({ mounts: [], triggers, logger }, 0);
    try {
      const small = await fetch(`http://127.0.0.1:${server.port}/api/echo/small`, { method: 'POST', body: 'x'.repeat(1000) });
      assert.equal(small.status, 201);
      const response = await new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        const req = request(`http://127.0.0.1:${server.port}/api/echo/big`, { method: 'POST' }); // chunked: no length
        req.on('response', (r) => {
          r.resume();
          resolve({ status: r.statusCode ?? 0, connection: r.headers.connection });
        });
        req.on('error', reject);
        const chunk = Buffer.alloc(16 * 1024, 120);
        for (let i = 0; i < 8; i++) req.write(chunk);
      });
      assert.deepEqual(response, { status: 413, connection: 'close' });
    } finally {
      await server.close();
    }
  });

  test('a throwing handler gives 500 with no stack, a log line naming it, and no secret in any log line', async () => {
    const res = await get(`/api/throws?code=${functionKey}`, { headers: { authorization: bearer } });
    assert.equal(res.status, 500);
    assert.equal(await res.text(), '');
    const lines = logger.lines.join('\n');
    assert.match(lines, /Executed 'throws' \(Failed, Id=[0-9a-f-]{36}, Duration=\d+ms\)/);
    assert.match(lines, /Function 'throws' \(Id=[0-9a-f-]{36}\) failed: Error: upstream refused token \[REDACTED\]/);
    assert.match(lines, /\[throws\] called .*\/api\/throws\?code=\[REDACTED\] with key null/);
    for (const secret of [functionKey, masterKey, apiToken, 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'eyJhbGciOiJIUzI1NiJ9']) {
      assert.ok(!lines.includes(secret), `a log line holds ${secret.slice(0, 6)}…`);
    }
  });

  test('successful invocations log one Executed line', async () => {
    await get('/api/items/5');
    assert.ok(logger.lines.some((l) => /\] Executed 'itemById' \(Succeeded, Id=[0-9a-f-]{36}, Duration=\d+ms\)$/.test(l)));
  });
});

describe('settings', () => {
  test('local.settings.json values reach the app, without overriding variables already set', async () => {
    const value = async (name: string) => (await json(`/api/setting/${name}`)).body;
    assert.deepEqual(await value('H1_FROM_FILE'), { value: 'file value' });
    assert.deepEqual(await value('H1_PRESET'), { value: 'environment value' });
    assert.ok(logger.lines.some((l) => l.includes("WARN Skipping 'H1_PRESET' from local settings")));
  });

  test('explicit settings win over local.settings.json and the environment', async () => {
    assert.deepEqual((await json('/api/setting/H1_OVERRIDDEN')).body, { value: 'override value' });
  });
});

describe('durable client', () => {
  test('an HTTP starter gets the durableClient input, and its status URL leads to the completed output', async () => {
    const started = await get('/api/greetings/Osaka', { method: 'POST', headers: { 'x-functions-key': functionKey } });
    assert.equal(started.status, 202);
    const { statusQueryGetUri } = (await started.json()) as { statusQueryGetUri: string };
    assert.equal(started.headers.get('location'), statusQueryGetUri);
    assert.ok(statusQueryGetUri.startsWith(`${host.url}/runtime/webhooks/durabletask/instances/`));
    let status: { runtimeStatus?: string; output?: unknown } = {};
    await eventually(() => status.runtimeStatus === 'Completed', 3000, async () => {
      status = (await (await fetch(statusQueryGetUri)).json()) as typeof status;
    });
    assert.equal(status.output, 'Hello Osaka');
    assert.ok(logger.lines.some((l) => l.includes("Executed 'startGreeting' (Succeeded")));
  });
});

describe('timer triggers', () => {
  test('runOnStartup fires once at start with isPastDue false', () => {
    const startup = timerCallsOf('startupTick');
    assert.equal(startup.length, 1);
    assert.equal(startup[0]!.isPastDue, false);
    assert.equal(startup[0]!.scheduleStatus?.next, '2026-01-05T03:00:00.000Z');
  });

  test('a %SETTING% schedule fires when the virtual clock passes it, isPastDue false', async () => {
    assert.equal(timerCallsOf('tick').length, 0);
    clock.advance(4 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(timerCallsOf('tick').length, 0);
    clock.advance(60_000);
    await eventually(() => timerCallsOf('tick').length === 1);
    const [first] = timerCallsOf('tick');
    assert.equal(first!.isPastDue, false);
    assert.deepEqual(first!.schedule, { adjustForDST: true });
    assert.equal(first!.scheduleStatus?.next, '2026-01-05T00:10:00.000Z');
    // The next occurrence is planned once the invocation ends.
    await eventually(() => clock.pendingCount >= 2);
    clock.advance(5 * 60_000);
    await eventually(() => timerCallsOf('tick').length === 2);
    assert.ok(logger.lines.some((l) => l.includes("Executed 'tick' (Succeeded")));
  });
});

describe('shutdown', () => {
  test('close() runs appTerminate hooks, frees the port and puts the environment back', async () => {
    assert.deepEqual(appHookCalls, [{ hook: 'appStart', hookData: { startedBy: 'appStart' } }]);
    const url = host.url;
    await host.close();
    assert.deepEqual(appHookCalls[1], { hook: 'appTerminate', hookData: { startedBy: 'appStart' } });
    await assert.rejects(fetch(`${url}/api/items/1`));
    assert.equal(process.env.H1_FROM_FILE, undefined);
    assert.equal(process.env.H1_PRESET, 'environment value');
    assert.equal(process.env.H1_OVERRIDDEN, 'environment value');
    assert.equal(process.env.SOAR_FUNCTION_KEY, undefined);
  });
});

function timerCallsOf(name: string): Timer[] {
  return timerCalls.filter((c) => c.name === name).map((c) => c.timer);
}
