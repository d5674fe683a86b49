// `npm start`'s entry as a child process: banner, keys file, SQLite file, serving, and a clean SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { World } from '../../src/sandbox/index.js';
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

/** Runs main.js until its banner is out (or it exits); returns what it printed and how to stop it. */
async function startMain(args: string[]): Promise<{ stdout: string; stderr: string; code?: number | null; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, [mainJs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const banner = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('Press Ctrl+C to stop.')) resolve();
    });
  });
  const code = await Promise.race([banner.then(() => undefined), exited]);
  return {
    stdout, stderr, code,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

test('npm start --world: the sandbox is seeded from the file (only the slices it names); an invalid file stops the start', async () => {
  const folder = await makeAppFolder({ hostJson: { version: '2.0' }, localSettings: { Values: { TICK_SCHEDULE: '0 0 0 1 1 *' } } });
  await writeFile(path.join(folder.dir, 'package.json'), JSON.stringify({ main: httpAppEntry }));
  const worldFile = path.join(folder.dir, 'world.json');
  await writeFile(worldFile, JSON.stringify({ email: { senderAddresses: ['Alerts@world-file.example'] } }));
  try {
    const started = await startMain(['--app', folder.dir, '--port', '0', '--world', worldFile]);
    assert.equal(started.code, undefined, started.stderr);
    let world: World;
    try {
      assert.ok(started.stdout.includes(`Sandbox world: ${worldFile} over the default seed world`), started.stdout);
      const sandboxUrl = /Sandbox: (https:\/\/127\.0\.0\.1:\d+) /.exec(started.stdout)?.[1];
      assert.ok(sandboxUrl, started.stdout);
      const ca = await readFile(path.join(folder.dir, '.soar', 'sandbox-ca.pem'));
      world = await new Promise<World>((resolve, reject) => {
        request(`${sandboxUrl}/_sandbox/state`, { ca }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve(JSON.parse(body) as World));
        }).on('error', reject).end();
      });
    } finally {
      assert.equal(await started.stop(), 0);
    }
    assert.deepEqual(world.email.senderAddresses, ['Alerts@world-file.example']);
    assert.ok(world.github.repos.some((r) => r.owner === 'contoso' && r.name === 'payments-api'), 'the slices the file does not name are the default ones');

    await writeFile(worldFile, JSON.stringify({ sentinel: { incidents: [{ name: 'x', properties: { severity: 'Severe' } }] } }));
    const invalid = await startMain(['--app', folder.dir, '--port', '0', '--world', worldFile]);
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /Invalid sandbox world \(.*world\.json\)/);
    assert.match(invalid.stderr, /sentinel\.incidents\.0\.properties\.severity: /);

    const alone = await startMain(['--app', folder.dir, '--world', worldFile, '--no-sandbox']);
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--world seeds the sandbox: it cannot go with --no-sandbox\./);
  } finally {
    await folder.remove();
  }
});
