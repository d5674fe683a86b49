// The run timeline page, opened in headless Chromium (Debian's `chromium`; CI installs it in .ci/run).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import type { ManualRunResponse } from '../../src/operations/manualRun.js';
import { startEnv, type Env } from './harness.js';

const run = promisify(execFile);
let env: Env;
let profile: string;
before(async () => {
  env = await startEnv();
  profile = mkdtempSync(path.join(tmpdir(), 'soar-chromium-'));
});
after(async () => {
  await env?.close();
  rmSync(profile, { recursive: true, force: true });
});

async function dumpDom(url: string): Promise<string> {
  const { stdout } = await run(
    'chromium',
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', `--user-data-dir=${profile}`, '--dump-dom', url],
    { timeout: 30_000, maxBuffer: 10 * 1024 * 1024 },
  );
  return stdout;
}

test('the page lists runs and shows a finished run as a timeline of its steps, escaping incident text', async () => {
  // Hostile markup in the incident title must come out as text.
  const incident = env.sandbox.world().sentinel.incidents.find((i) => i.name === 'inc-new-country-github')!;
  incident.properties.title = 'New country <img src=x onerror=alert(1)>';
  const started = await env.api<ManualRunResponse>('POST', '/api/playbooks/ops-label/runs', { incidentNumber: incident.properties.incidentNumber });
  assert.equal(started.status, 202);
  await env.finished(started.body.instanceId);

  const runDom = await dumpDom(`${started.body.urls.page}?code=${encodeURIComponent(env.host.functionKey)}`);
  assert.match(runDom, /<span class="status status-Completed" id="run-status">Completed<\/span>/);
  const steps = [...runDom.matchAll(/<li class="step step-(\w+)"[^>]*data-name="([^"]+)"[\s\S]*?<span class="title">([^<]*)<\/span>[\s\S]*?<span class="duration">([^<]*)<\/span>/g)].map(
    (m) => ({ status: m[1], name: m[2], title: m[3], duration: m[4] }),
  );
  const titles = steps.map((s) => s.title);
  assert.ok(titles.includes('Read playbook settings') && titles.includes('Update incident') && titles.includes('Add incident comment'), titles.join(' | '));
  assert.ok(steps.every((s) => s.status === 'succeeded' && /\d+(\.\d)? (ms|s)/.test(s.duration ?? '')), JSON.stringify(steps));
  assert.ok(steps.some((s) => s.name === 'sentinel-updateIncident'));
  assert.match(runDom, /<a class="incident" href="https:\/\/portal\.azure\.com\/#asset\/Microsoft_Azure_Security_Insights\/Incident\/subscriptions\/[^"]+\/incidents\/inc-new-country-github" rel="noreferrer noopener" target="_blank">#108 New country &lt;img src=x onerror=alert\(1\)&gt;<\/a>/);
  assert.doesNotMatch(runDom, /<img/);

  // The list page is plain server-rendered HTML too; one browser start per test run is enough.
  const listDom = await (await fetch(`${env.host.url}/api/ui?code=${encodeURIComponent(env.host.functionKey)}`)).text();
  assert.match(listDom, new RegExp(`<tr data-instance-id="${started.body.instanceId}">`));
  assert.match(listDom, /<a href="\/api\/ui\/runs\/[^"]+\?code=/);

  const unauthorised = await fetch(`${env.host.url}/api/ui/runs/${started.body.instanceId}`);
  assert.equal(unauthorised.status, 401);
});
