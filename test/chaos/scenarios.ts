// The in-process chaos scenarios: burst, faults (20% transient, then a permanent 403), hostile input and
// secrets. Each resets the environment, runs, checks the sandbox and returns its figures; a scenario passes
// when its `problems` list is empty.
import type { OrchestrationStatus } from '../../src/host/durable/runtime.js';
import type { World } from '../../src/sandbox/index.js';
import { checkCompleted, checkRevocationRateLimited, leakedToken, mailsOf, makeCase, type ChaosCase } from './cases.js';
import { send, type ChaosEnv, type Delivery } from './env.js';
import type { ScenarioResult } from './report.js';

const CONCURRENCY = 50;

function result(scenario: string, started: number): ScenarioResult {
  return { scenario, deliveries: 0, runs: 0, completed: 0, failed: 0, lost: 0, duplicates: 0, timeMs: Date.now() - started, notes: [], problems: [] };
}

/** The run each delivery must have started, or a problem. */
function runIdsOf(deliveries: readonly Delivery[], out: ScenarioResult): Map<ChaosCase, string> {
  const ids = new Map<ChaosCase, string>();
  for (const d of deliveries) {
    if (d.reply.status !== 202 && d.reply.status !== 200) {
      out.problems.push(`${d.case.name}: delivery answered ${d.reply.status} ${d.reply.text.slice(0, 200)}`);
      continue;
    }
    const run = d.runs.find((r) => r.playbook === d.case.playbook);
    if (run) ids.set(d.case, run.instanceId);
    else out.problems.push(`${d.case.name}: delivery started no ${d.case.playbook} run: ${d.reply.text.slice(0, 200)}`);
  }
  return ids;
}

/** Counts the runs' end states; an accepted incident whose run did not finish (or is missing) is lost. */
function tally(ids: Map<ChaosCase, string>, statuses: Map<string, OrchestrationStatus>, out: ScenarioResult): void {
  out.runs += ids.size;
  for (const [c, id] of ids) {
    const status = statuses.get(id)?.runtimeStatus;
    if (status === 'Completed') out.completed++;
    else if (status === 'Failed') out.failed++;
    else {
      out.lost++;
      out.problems.push(`${c.name}: run ${id} is ${status ?? 'missing'}`);
    }
  }
}

/**
 * Every run completed with its effects; the only failure accepted is GitHub's credential-revocation rate
 * limit (60 requests an hour), and only with its failure comment and everything else done.
 */
export function expectCompleted(world: World, ids: Map<ChaosCase, string>, statuses: Map<string, OrchestrationStatus>, out: ScenarioResult): void {
  let rateLimited = 0;
  for (const [c, id] of ids) {
    const status = statuses.get(id);
    let outcome;
    if (status?.runtimeStatus === 'Completed') outcome = checkCompleted(world, c);
    else if (status?.runtimeStatus === 'Failed') {
      outcome = checkRevocationRateLimited(world, c, status.output);
      if (outcome) rateLimited++;
      else out.problems.push(`${c.name}: run failed: ${JSON.stringify(status.output).slice(0, 300)}`);
    }
    if (!outcome) continue;
    out.problems.push(...outcome.problems);
    out.duplicates += outcome.duplicates;
  }
  if (rateLimited > 0) {
    out.notes.push(
      `${rateLimited} secret-committed runs failed because GitHub's credential revocation allows 60 unauthenticated requests an hour; ` +
        'each left its failure comment, the incident Active and the alert open, and did every other step',
    );
  }
}

/** Posts the cases in parallel and settles their runs; `arrange` runs after the reset (faults). */
async function deliverAndSettle(
  env: ChaosEnv,
  cases: readonly ChaosCase[],
  name: string,
  arrange: () => void = () => undefined,
): Promise<{ out: ScenarioResult; ids: Map<ChaosCase, string>; statuses: Map<string, OrchestrationStatus> }> {
  await env.reset();
  arrange();
  const started = Date.now();
  const out = result(name, started);
  const deliveries = await env.deliverAll(cases, CONCURRENCY);
  out.deliveries = deliveries.length;
  const ids = runIdsOf(deliveries, out);
  const statuses = await env.settle([...ids.values()]);
  out.timeMs = Date.now() - started;
  tally(ids, statuses, out);
  return { out, ids, statuses };
}

/** N mixed incidents posted in parallel: every delivery accepted, every run completes with its effects. */
export async function burst(env: ChaosEnv, cases: readonly ChaosCase[]): Promise<ScenarioResult> {
  const { out, ids, statuses } = await deliverAndSettle(env, cases, 'burst');
  expectCompleted(env.world(), ids, statuses, out);
  out.notes.push(`${(cases.length / (out.timeMs / 1000)).toFixed(1)} incidents/s with ${CONCURRENCY} deliveries in flight`);
  return out;
}

const REMOTE = '^/(arm|graph|github|azdo|emails)';

/**
 * 20% of remote calls answered 429 or 503 or reset (seeded): every run still completes with its effects.
 * The 429s say Retry-After: 1; a GitHub 429 with Retry-After: 0 reads as "no Retry-After" to Octokit's
 * throttling plugin, which then assumes GitHub's 60 s secondary-limit wait.
 */
export async function transientFaults(env: ChaosEnv, cases: readonly ChaosCase[]): Promise<ScenarioResult> {
  const { out, ids, statuses } = await deliverAndSettle(env, cases, 'faults-20pct', () => {
    env.sandbox.faults.add({ pathPattern: REMOTE, status: 429, retryAfterSeconds: 1, rate: 0.09, seed: 71 });
    env.sandbox.faults.add({ pathPattern: REMOTE, status: 503, rate: 0.07, seed: 72 });
    env.sandbox.faults.add({ pathPattern: REMOTE, reset: true, rate: 0.055, seed: 73 });
  });
  expectCompleted(env.world(), ids, statuses, out);
  const calls = env.sandbox.calls().filter((c) => new RegExp(REMOTE).test(c.path));
  const faulted = calls.filter((c) => c.fault === 'status' || c.fault === 'reset').length;
  out.notes.push(`${faulted} of ${calls.length} remote calls faulted (${((100 * faulted) / Math.max(1, calls.length)).toFixed(1)}%)`);
  if (faulted < calls.length * 0.15) out.problems.push(`only ${faulted} of ${calls.length} remote calls were faulted`);
  return out;
}

/**
 * A permanent 403 on GitHub credential revocation: those runs fail, with the failure comment on the incident
 * and the incident left Active; runs of the other kinds are unaffected.
 */
export async function permanent403(env: ChaosEnv, cases: readonly ChaosCase[]): Promise<ScenarioResult> {
  const { out, ids, statuses } = await deliverAndSettle(env, cases, 'faults-403', () => {
    env.sandbox.faults.add({ service: 'github', method: 'POST', pathPattern: '/credentials/revoke', status: 403 });
  });
  const world = env.world();
  const affected = new Map([...ids].filter(([c]) => c.kind === 'secret-committed-github'));
  const others = new Map([...ids].filter(([c]) => c.kind !== 'secret-committed-github'));
  expectCompleted(world, others, statuses, out);
  for (const [c, id] of affected) {
    if (statuses.get(id)?.runtimeStatus !== 'Failed') {
      out.problems.push(`${c.name}: expected the run to fail, it is ${statuses.get(id)?.runtimeStatus}`);
      continue;
    }
    const incident = world.sentinel.incidents.find((i) => i.name === c.name)!;
    const last = incident.comments.at(-1)?.properties.message ?? '';
    if (!/failed/.test(last) || !/github\.revokeCredentials\)<\/td><td>Failed/.test(last) || !/The incident stays Active/.test(last)) {
      out.problems.push(`${c.name}: no failure comment naming github.revokeCredentials: ${last.slice(0, 300)}`);
    }
    if (incident.properties.status !== 'Active') out.problems.push(`${c.name}: incident is ${incident.properties.status}, expected Active`);
    if (incident.comments.length > 2) out.duplicates += incident.comments.length - 2;
  }
  out.notes.push(`${affected.size} runs hit the 403 and failed as expected; ${others.size} others checked`);
  return out;
}

// ---- hostile input ------------------------------------------------------------------------------------

const SCRIPT = '<script>alert(document.cookie)</script>';
const IMG = '<img src=x onerror=alert(1)>';
const SVG = '<svg onload=alert(1)>';
const CRLF_INJECTION = '\r\nBcc: attacker@evil.example\r\nSubject: spoofed';
/** Raw markup that would run in a mail client or the Sentinel portal (escaped text never matches). */
const ACTIVE_MARKUP = /<\s*(script|img|svg|iframe|object|embed|style|link|meta)\b|<[^>]*\son[a-z]+\s*=/i;
/** Header injection in a subject: line breaks of any kind, or other control characters. */
const SUBJECT_BREAK = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Valid incidents whose titles, repository and user names carry markup and header injections. */
export function hostileCases(firstNumber: number): ChaosCase[] {
  return [
    makeCase('repo-deleted-github', 'hostile', 0, firstNumber, {
      title: `${SCRIPT} ${IMG}${CRLF_INJECTION}\u2028\u202e`,
      repository: `${SCRIPT}\u0085x`,
      accountName: SVG,
    }),
    makeCase('repo-deleted-azdo', 'hostile', 1, firstNumber + 1, { title: `Repository deleted${CRLF_INJECTION}`, repository: `legacy${IMG}` }),
    makeCase('secret-committed-github', 'hostile', 2, firstNumber + 2, { title: `${SVG} secret`, actorUpn: `"${SCRIPT}"@contoso.com` }),
    makeCase('secret-committed-azdo', 'hostile', 3, firstNumber + 3, { description: `${SCRIPT}${IMG}`.repeat(Math.floor(1_000_000 / (SCRIPT.length + IMG.length))) }),
    makeCase('repo-deleted-github', 'hostile', 4, firstNumber + 4, { title: `"'><${'a'.repeat(2000)} ${SCRIPT}`, repository: `r\u0000${SVG}` }),
  ];
}

interface Rejection {
  name: string;
  send: (url: string, key: string) => Promise<{ status: number; text: string }>;
  status: number;
}

function post(body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}, key?: string) {
  return (url: string, functionKey: string) =>
    send(`${url}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key === undefined ? { 'x-functions-key': functionKey } : key ? { 'x-functions-key': key } : {}), ...headers },
      body,
    });
}

/** A slice of the intake's hostile corpus (test/intake/hostile.test.ts has all of it), re-run against the full app. */
function rejections(valid: ChaosCase): Rejection[] {
  const text = JSON.stringify(valid.body);
  const huge = structuredClone(valid.body);
  huge.object.properties.description = 'x'.repeat(1024 * 1024);
  const noSeverity: { object: { properties: Record<string, unknown> } } = structuredClone(valid.body);
  delete noSeverity.object.properties.severity;
  const protoSeverity = JSON.stringify(noSeverity).replace('"properties":{', '"properties":{"__proto__":{"severity":"High"},');
  return [
    { name: 'truncated JSON', send: post(text.slice(0, 100)), status: 400 },
    { name: 'JavaScript instead of JSON', send: post('({a: process.exit(1)})'), status: 400 },
    { name: 'deep nesting', send: post('['.repeat(50_000) + ']'.repeat(50_000)), status: 400 },
    { name: 'invalid UTF-8', send: post(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])), status: 400 },
    { name: 'not an incident', send: post('{"a": 1}'), status: 400 },
    { name: 'incident with a 1 MiB description', send: post(JSON.stringify(huge)), status: 413 },
    { name: 'text/plain', send: post(text, { 'content-type': 'text/plain' }), status: 415 },
    { name: 'no function key', send: post(text, {}, ''), status: 401 },
    { name: 'wrong function key', send: post(text, {}, 'not-the-key-0123456789'), status: 401 },
    { name: '__proto__ supplying a missing severity', send: post(protoSeverity), status: 400 },
    { name: '__proto__ and constructor at the top', send: post('{"__proto__": {"polluted": true, "id": "x"}, "constructor": {"prototype": {"polluted": true}}}'), status: 400 },
  ];
}

/**
 * Hostile deliveries are refused with a clear status and start nothing; hostile content inside valid
 * incidents runs to an end with every mail and comment escaped and every subject on one line.
 */
export async function hostileInput(env: ChaosEnv, cases: readonly ChaosCase[]): Promise<ScenarioResult> {
  await env.reset();
  const started = Date.now();
  const out = result('hostile', started);
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).join();

  for (const r of rejections(cases[0]!)) {
    const before = (await env.instanceIds()).length;
    const reply = await r.send(env.host.url, env.host.functionKey);
    out.deliveries++;
    await env.host.durable.waitForIdle();
    const after = (await env.instanceIds()).length;
    if (reply.status !== r.status) out.problems.push(`${r.name}: answered ${reply.status}, expected ${r.status}: ${reply.text.slice(0, 200)}`);
    if (!/"error":\{"code":"[a-z_]+","message":"[^"]+/.test(reply.text) && reply.status !== 401) out.problems.push(`${r.name}: no error body: ${reply.text.slice(0, 200)}`);
    if (after !== before) out.problems.push(`${r.name}: ${after - before} instances were created`);
  }

  const deliveries = await env.deliverAll(cases, CONCURRENCY);
  out.deliveries += deliveries.length;
  const ids = runIdsOf(deliveries, out);
  const statuses = await env.settle([...ids.values()]);
  out.timeMs = Date.now() - started;
  tally(ids, statuses, out);

  const world = env.world();
  for (const [c, id] of ids) {
    const incident = world.sentinel.incidents.find((i) => i.name === c.name)!;
    const comments = incident.comments.map((m) => m.properties.message);
    const last = comments.at(-1) ?? '';
    if (comments.length < 2 || !/finished|failed/.test(last)) out.problems.push(`${c.name}: run ${id} left no final comment`);
    for (const comment of comments) if (ACTIVE_MARKUP.test(comment)) out.problems.push(`${c.name}: raw markup in a comment: ${comment.match(ACTIVE_MARKUP)![0]}`);
    for (const task of incident.tasks) if (SUBJECT_BREAK.test(task.properties.title)) out.problems.push(`${c.name}: control character in a task title`);
  }
  for (const mail of world.email.outbox) {
    if (ACTIVE_MARKUP.test(mail.html ?? '')) out.problems.push(`raw markup in the mail "${mail.subject}": ${(mail.html ?? '').match(ACTIVE_MARKUP)![0]}`);
    if (SUBJECT_BREAK.test(mail.subject)) out.problems.push(`line break or control character in the subject ${JSON.stringify(mail.subject)}`);
  }
  // Incidents whose title carries markup: each of their mails shows it, escaped.
  for (const c of cases.filter((c) => String(c.body.object.properties.title).includes('<'))) {
    const mails = mailsOf(world, c.number);
    if (mails.length === 0) out.problems.push(`${c.name}: no mail was sent`);
    for (const mail of mails) if (!mail.html?.includes('&lt;')) out.problems.push(`${c.name}: the mail "${mail.subject}" does not show the title's markup escaped`);
  }
  if (Object.getOwnPropertyNames(Object.prototype).join() !== prototypeKeys || ({} as Record<string, unknown>).polluted !== undefined) {
    out.problems.push('Object.prototype was polluted');
  }
  out.notes.push(`${deliveries.length} hostile incidents run, ${out.deliveries - deliveries.length} hostile deliveries refused, ${world.email.outbox.length} mails checked`);
  return out;
}

// ---- secrets ------------------------------------------------------------------------------------------

/** Planted in the host's settings by the chaos environment; none may ever show. */
export const PLANTED_SETTINGS: Record<string, string> = {
  GITHUB_TOKEN: 'ghp_PlantedChaosGitHubToken0000000000000001',
  SOAR_FUNCTION_KEY: 'planted-function-key-chaos-7f3c9a1e5b',
  SOAR_MASTER_KEY: 'planted-master-key-chaos-2d8e4b6f0a',
  SOAR_SMTP_PASSWORD: 'planted-password-chaos-9c1d3e5f7a',
  PARTNER_API_SECRET: 'planted-partner-secret-chaos-4b6d8f0a2c',
};
const PLANTED_BEARER = 'planted-bearer-chaos-5e7a9c1b3d';
const WRONG_KEY = 'planted-wrong-key-chaos-6f8b0d2e4a';
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/;

/** Every secret the chaos runs know of: planted settings, the sandbox's keys and issued tokens, leaked tokens. */
export function knownSecrets(env: ChaosEnv, cases: readonly ChaosCase[]): string[] {
  const s = env.sandbox.appSettings;
  const accessKey = /accesskey=([^;]+)/.exec(s.ACS_CONNECTION_STRING ?? '')?.[1];
  const keyLines = (s.GITHUB_APP_PRIVATE_KEY ?? '').split('\n').filter((l) => l.length > 40 && !l.startsWith('-----'));
  return [
    ...Object.values(PLANTED_SETTINGS),
    PLANTED_BEARER,
    WRONG_KEY,
    env.host.functionKey,
    env.host.masterKey,
    ...(accessKey ? [accessKey] : []),
    s.IDENTITY_HEADER!,
    ...keyLines,
    ...env.world().github.tokens.map((t) => t.token),
    ...cases.filter((c) => c.kind === 'secret-committed-github').map((c) => leakedToken(c.name)),
    'ghp_DaveLeakedPat00000000000000000000001',
  ];
}

/** Where each secret (or a JWT) appears in the texts; empty when none does. */
export function findSecrets(secrets: readonly string[], texts: Iterable<[where: string, text: string]>): string[] {
  const found: string[] = [];
  for (const [where, text] of texts) {
    for (const secret of secrets) if (text.includes(secret)) found.push(`${where} contains the secret ${secret.slice(0, 6)}…`);
    if (JWT.test(text)) found.push(`${where} contains a JWT`);
  }
  return found;
}

/**
 * Planted keys in the settings and secrets in the requests (function key in the query, a bearer token, a
 * wrong key) never appear in a log line, run history, comment, mail or error answer, including on failure
 * paths (a permanent 403, transient faults).
 */
export async function secrets(env: ChaosEnv, cases: readonly ChaosCase[]): Promise<ScenarioResult> {
  await env.reset();
  // The 403 echoes credentials the app holds (as some APIs do): its error text reaches the comment and history.
  const echoed = `Bad credentials: token ${PLANTED_SETTINGS.GITHUB_TOKEN}, identity header ${env.sandbox.appSettings.IDENTITY_HEADER}`;
  env.sandbox.faults.add({ service: 'github', method: 'POST', pathPattern: '/credentials/revoke', status: 403, body: echoed });
  env.sandbox.faults.add({ pathPattern: REMOTE, status: 503, rate: 0.1, seed: 91 });
  const started = Date.now();
  const out = result('secrets', started);
  const linesBefore = env.host.logger.lines.length;
  const answers: string[] = [];
  const url = env.host.url;
  const key = env.host.functionKey;

  const deliveries: Delivery[] = [];
  for (const [i, c] of cases.entries()) {
    // Half with the key in the query (as the relay's URL carries it), half in the header; all with a bearer token.
    const reply = await send(`${url}/api/incidents${i % 2 === 0 ? `?code=${key}` : ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PLANTED_BEARER}`, ...(i % 2 === 1 ? { 'x-functions-key': key } : {}) },
      body: JSON.stringify(c.body),
    });
    answers.push(reply.text);
    deliveries.push({ case: c, reply, runs: (reply.json?.runs as Delivery['runs'] | undefined) ?? [] });
  }
  for (const extra of [
    send(`${url}/api/incidents?code=${WRONG_KEY}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
    send(`${url}/api/incidents?code=${key}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"token": "${PLANTED_BEARER}",` }),
    send(`${url}/api/runs?code=${key}`, { headers: { authorization: `Bearer ${PLANTED_BEARER}` } }),
    send(`${url}/runtime/webhooks/durabletask/instances?code=${WRONG_KEY}`, {}),
  ]) {
    answers.push((await extra).text);
  }
  out.deliveries = deliveries.length + 2;
  const ids = runIdsOf(deliveries, out);
  const statuses = await env.settle([...ids.values()]);
  out.timeMs = Date.now() - started;
  tally(ids, statuses, out);

  const texts: [string, string][] = [];
  for (const [i, line] of env.host.logger.lines.slice(linesBefore).entries()) texts.push([`log line ${i}`, line]);
  for (const [i, answer] of answers.entries()) texts.push([`answer ${i}`, answer]);
  for (const id of await env.instanceIds()) {
    const status = await env.host.durable.getStatus(id, { showHistory: true, showHistoryOutput: true, showInput: true });
    texts.push([`history of ${id}`, JSON.stringify(status)]);
  }
  const world = env.world();
  for (const c of cases) {
    const incident = world.sentinel.incidents.find((i) => i.name === c.name)!;
    for (const comment of incident.comments) texts.push([`comment on ${c.name}`, comment.properties.message]);
  }
  for (const mail of world.email.outbox) texts.push([`mail "${mail.subject}"`, JSON.stringify(mail)]);
  out.problems.push(...findSecrets(knownSecrets(env, cases), texts));
  if (out.failed === 0) out.problems.push('no run failed: the failure paths were not exercised');
  out.notes.push(`${texts.length} texts searched (${env.host.logger.lines.length - linesBefore} log lines) for ${knownSecrets(env, cases).length} secrets`);
  return out;
}

