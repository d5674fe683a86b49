// `npm start`'s entry as a child process: banner, keys file, SQLite file, serving, and a clean SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpAppEntry, makeAppFolder } from './hostFixture.js';

const mainJs = fileURLToPath(new URL('../../src/host/main.js', import.meta.url));

test('npm start entry: banner with URLs, keys kept in .soar, serves requests, stops on SIGTERM', async () => {
  const folder = await makeAppFolder({
    hostJson: { version: '2.0', extensions: { http: { routePrefix: 'api' } } },
    localSettings: { Values: { TICK_SCHEDULE: '0 0 0 1 1 *' } },
  });
  await writeFile(path.join(folder.dir, 'package.json'), JSON.stringify({ main: httpAppEntry }));
  const child = spawn(process.execPath, [mainJs, '--app', folder.dir, '--port', '0', '--no-sandbox'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('Press Ctrl+C to stop.')) resolve();
      });
      void exited.then((code) => reject(new Error(`exited early (${code}): ${stderr}`)));
    });

    const url = /itemById: \[GET\] (http:\/\/127\.0\.0\.1:\d+)\/api\/items\/\{id:int\}/.exec(stdout)?.[1];
    assert.ok(url, stdout);
    assert.match(stdout, /secure\/fn {2}\(authLevel function\)/);
    assert.match(stdout, /tick: timerTrigger/);
    assert.match(stdout, /Function key \(SOAR_FUNCTION_KEY\): generated, kept in \.soar\/host-keys\.json/);
    assert.match(stdout, /Sandbox: off/);
    const storePath = path.join(folder.dir, '.soar', 'host.sqlite');
    assert.ok(stdout.includes(`Durable store: ${storePath}`));
    await access(storePath);

    const keys = JSON.parse(await readFile(path.join(folder.dir, '.soar', 'host-keys.json'), 'utf8')) as Record<string, string>;
    assert.ok(!stdout.includes(keys.functionKey!) && !stdout.includes(keys.masterKey!), 'the banner prints no key');
    assert.equal((await fetch(`${url}/api/secure/fn`)).status, 401);
    const ok = await fetch(`${url}/api/secure/fn`, { headers: { 'x-functions-key': keys.functionKey! } });
    assert.equal(await ok.text(), 'fn ok');

    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(stdout, /SIGTERM received: stopping the host\./);
  } finally {
    child.kill('SIGKILL');
    await folder.remove();
  }
});

test('npm start entry: a bad option prints the usage and exits 2', async () => {
  const child = spawn(process.execPath, [mainJs, '--port', 'eighty'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 2);
  assert.match(stderr, /--port must be an integer from 0 to 65535, got "eighty"/);
  assert.match(stderr, /Usage: npm start/);
});
