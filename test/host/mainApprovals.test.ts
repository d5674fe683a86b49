// `npm start` in a fresh clone: no local.settings.json, the sandbox on, a non-default port. The extension-installed
// scenario's approval path must work end to end: the host generates and keeps an approval signing key, the
// approval e-mail links to the host's real port, and a link sent before a restart still decides after it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import type { World } from '../../src/sandbox/index.js';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const repo = path.resolve(dist, '..');
const mainJs = path.join(dist, 'src/host/main.js');
const app = mkdtempSync(path.join(tmpdir(), 'soar-start-'));
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(app, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  stdout: string;
  output: () => string;
  url: string;
  sandboxUrl: string;
  exited: Promise<number | null>;
}

/** `npm start -- --app <app> --port 0` with none of the settings a developer might have exported. */
async function start(): Promise<Started> {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (/^(APPROVAL_SIGNING_KEY|PUBLIC_BASE_URL|SOAR_|PLAYBOOK_)/.test(name)) delete env[name];
  const child = spawn(process.execPath, [mainJs, '--app', app, '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('Press Ctrl+C to stop.')) resolve();
    });
    void exited.then((code) => reject(new Error(`exited early (${code}): ${stderr}`)));
  });
  const url = /Durable HTTP API: (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1];
  const sandboxUrl = /Sandbox: (https:\/\/127\.0\.0\.1:\d+) /.exec(stdout)?.[1];
  assert.ok(url && sandboxUrl, stdout);
  return { child, stdout, output: () => stdout + stderr, url, sandboxUrl, exited };
}

async function stop(started: Started): Promise<void> {
  started.child.kill('SIGTERM');
  assert.equal(await started.exited, 0);
}

/** The sandbox's world, over its control plane (HTTPS with the CA npm start writes to .soar/). */
function world(sandboxUrl: string): Promise<World> {
  const ca = readFileSync(path.join(app, '.soar', 'sandbox-ca.pem'));
  return new Promise((resolve, reject) => {
    request(`${sandboxUrl}/_sandbox/state`, { ca }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(JSON.parse(body) as World));
    })
      .on('error', reject)
      .end();
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const functionKey = (): string => (JSON.parse(readFileSync(path.join(app, '.soar', 'host-keys.json'), 'utf8')) as { functionKey: string }).functionKey;

async function runStatus(url: string, id: string): Promise<string> {
  const res = await fetch(`${url}/api/runs/${encodeURIComponent(id)}`, { headers: { 'x-functions-key': functionKey() } });
  return ((await res.json()) as { status: string }).status;
}

test('npm start with no local.settings.json: the extension-installed approval path works, and its link survives a restart', async () => {
  for (const file of ['package.json', 'host.json']) copyFileSync(path.join(repo, file), path.join(app, file));
  symlinkSync(dist, path.join(app, 'dist'), 'dir');

  const first = await start();
  assert.match(first.stdout, /Settings: no local\.settings\.json/);
  assert.match(first.stdout, /^Approval signing key \(APPROVAL_SIGNING_KEY\): generated, kept in \.soar\/approval-signing-key\.json$/m);
  assert.match(first.stdout, new RegExp(`^Approval and run links \\(PUBLIC_BASE_URL\\): ${first.url}$`, 'm'));
  const keyFile = path.join(app, '.soar', 'approval-signing-key.json');
  const signingKey = (JSON.parse(readFileSync(keyFile, 'utf8')) as { approvalSigningKey: string }).approvalSigningKey;
  assert.ok(signingKey.length >= 32);
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);

  // Approvals are configured: a made-up token is refused as invalid (403), not as unconfigured (503).
  assert.equal((await fetch(`${first.url}/api/approvals/x`, { headers: { accept: 'application/json' } })).status, 403);

  const posted = await fetch(`${first.url}/api/incidents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-functions-key': functionKey() },
    body: readFileSync(path.join(repo, 'test/fixtures/incidents/extension-installed-azdo.json')),
  });
  const delivery = (await posted.json()) as { runs: { playbook: string; instanceId: string }[] };
  assert.equal(posted.status, 202, JSON.stringify(delivery));
  const run = delivery.runs.find((r) => r.playbook === 'extension-installed');
  assert.ok(run, JSON.stringify(delivery));

  const mail = await until('the approval e-mail', async () => {
    const sent = (await world(first.sandboxUrl)).email.outbox.find((m) => m.subject.startsWith('[Approval needed]'));
    if (sent) return sent;
    const status = await runStatus(first.url, run.instanceId);
    if (status !== 'Running' && status !== 'Pending') throw new Error(`the run ended ${status} without asking`);
    return undefined;
  });
  assert.deepEqual(mail.to.map((t) => t.address), ['soc@contoso.com']);
  // The link points at this host's real origin, not at the default :7071.
  const link = new RegExp(`Approve: (${first.url.replace(/\./g, '\\.')}/api/approvals/[A-Za-z0-9_.-]+)`).exec(mail.plainText ?? '')?.[1];
  assert.ok(link, mail.plainText);
  assert.equal((await fetch(link)).status, 200, 'GET shows the confirmation page');

  await stop(first);
  assert.ok(!first.output().includes(signingKey), 'the key is never printed');

  // Restarted on another port: the same key verifies the link sent before the restart (same path, new origin).
  const second = await start();
  assert.equal((JSON.parse(readFileSync(keyFile, 'utf8')) as { approvalSigningKey: string }).approvalSigningKey, signingKey);
  const approved = await fetch(second.url + new URL(link).pathname, { method: 'POST', headers: { accept: 'application/json' } });
  assert.equal(approved.status, 200, await approved.text());
  await until('the run to complete', async () => ((await runStatus(second.url, run.instanceId)) === 'Completed' ? true : undefined));
  const after = await world(second.sandboxUrl);
  const extensions = after.azdo.organizations[0]!.extensions.map((e) => `${e.publisherName}.${e.extensionId}`);
  assert.ok(!extensions.includes('evilcorp.crypto-helper'), extensions.join(', '));
  const incident = after.sentinel.incidents.find((i) => i.name === 'inc-extension-installed-azdo')!;
  assert.equal(incident.properties.status, 'Closed');
  await stop(second);
  assert.ok(!second.output().includes(signingKey), 'the key is never printed');
});
