// startHost options on the smoke app (its own process: an app's modules load once per process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startHost } from '../../src/host/index.js';
import { HostLogger } from '../../src/host/log.js';
import { makeAppFolder } from './hostFixture.js';

const smokeEntry = fileURLToPath(new URL('../apps/smoke/index.js', import.meta.url));

test('hub name from a %SETTING%, an empty route prefix, and local.settings.json ignored on request', async () => {
  const folder = await makeAppFolder({
    hostJson: { version: '2.0', extensions: { http: { routePrefix: '' }, durableTask: { hubName: '%DURABLE_TASK_HUB_NAME%' } } },
    localSettings: { Values: { H1_SMOKE_FROM_FILE: 'file value' } },
  });
  const host = await startHost({
    appDir: folder.dir,
    main: smokeEntry,
    port: 0,
    readLocalSettings: false,
    settings: { DURABLE_TASK_HUB_NAME: 'OptionsHub' },
    logger: new HostLogger({ mode: 'silent' }),
  });
  try {
    assert.equal(host.hubName, 'OptionsHub');
    assert.equal(host.settingsFile, undefined);
    assert.equal(process.env.H1_SMOKE_FROM_FILE, undefined);
    assert.deepEqual(host.httpFunctions, [
      { name: 'smokePing', methods: ['GET'], authLevel: 'anonymous', url: `${host.url}/ping/{name?}` },
    ]);
    assert.deepEqual(await (await fetch(`${host.url}/ping/kobe`)).json(), { pong: 'kobe' });
    assert.equal((await fetch(`${host.url}/api/ping/kobe`)).status, 404);
  } finally {
    await host.close();
    await folder.remove();
  }
  assert.equal(process.env.DURABLE_TASK_HUB_NAME, undefined);
});
