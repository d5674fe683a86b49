import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadApp } from '../../src/host/loadApp.js';
import { invokeFunction } from '../../src/host/invoke.js';

const here = path.dirname(fileURLToPath(import.meta.url));

test('captures every registration of an unmodified app and invokes through the programming model', async () => {
  const loaded = await loadApp(path.join(here, '../apps/smoke'), { main: 'index.js' });
  const names = [...loaded.registrations.functions.keys()].sort();
  assert.deepEqual(names, ['smokeHello', 'smokeOrchestration', 'smokePing']);
  const response = await invokeFunction(
    loaded.registrations,
    'smokeHello',
    { inputsByType: { activityTrigger: { json: JSON.stringify('Kyoto') } } },
    () => undefined,
  );
  assert.deepEqual(response.returnValue, { string: 'Hello Kyoto' });
});
