// Hostile input at the webhook: each case asserts the status, the exact error body, and that the durable
// runtime holds no new instance afterwards (no run, no ledger record). Accepted-but-hostile cases assert
// what the run received instead.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { PlaybookRunInput } from '../../src/routing/index.js';
import { fixture, IntakeHarness, renamed, type IntakeReply, type RelayBody } from './harness.js';

let h: IntakeHarness;
const prototypeKeysBefore = Object.getOwnPropertyNames(Object.prototype).sort();
before(async () => {
  // Configured for the universe's workspace, as a deployment is: incidents of other workspaces are refused.
  h = await IntakeHarness.start({
    settings: { SENTINEL_SUBSCRIPTION_ID: '00000000-0000-4000-8000-000000000001', SENTINEL_RESOURCE_GROUP: 'soc-rg', SENTINEL_WORKSPACE_NAME: 'soc-workspace' },
  });
});
after(async () => {
  await h.close();
});

type Res = { status: number; json?: IntakeReply; text: string };
type Case = {
  name: string;
  send: () => Promise<Res>;
  status: number;
  /** Expected error code; details are checked by path when given. */
  code?: string;
  message?: string | RegExp;
  paths?: string[];
  /** Text the answer must not echo. */
  absent?: string;
};

/** The fixture incident's properties as these cases edit them, with values valid or not. */
interface EditableProperties {
  [field: string]: unknown;
  alerts: { properties: { [field: string]: unknown; additionalData: Record<string, unknown> } }[];
  relatedEntities: { kind?: unknown; properties?: unknown }[];
}

const relay = () => fixture('repo-deleted-github');
const props = (mutate: (p: EditableProperties) => void) => {
  const body = relay();
  mutate(body.object.properties as EditableProperties);
  return body;
};

const token = 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';

const cases: Case[] = [
  // Not JSON at all
  { name: 'truncated JSON', send: () => h.post('{"objectSchemaType":'), status: 400, code: 'invalid_json', message: /^Body is not valid JSON: / },
  { name: 'empty body', send: () => h.post(''), status: 400, code: 'invalid_json', message: /^Body is not valid JSON: / },
  { name: 'trailing garbage', send: () => h.post('{} x'), status: 400, code: 'invalid_json', message: /^Body is not valid JSON: / },
  { name: 'single-quoted JSON', send: () => h.post("{'a': 1}"), status: 400, code: 'invalid_json', message: /^Body is not valid JSON: / },
  { name: 'NaN literal', send: () => h.post('{"a": NaN}'), status: 400, code: 'invalid_json', message: /^Body is not valid JSON: / },
  { name: 'JavaScript instead of JSON', send: () => h.post('({a: process.exit(1)})'), status: 400, code: 'invalid_json' },
  { name: 'invalid UTF-8 bytes', send: () => h.post(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])), status: 400, code: 'invalid_json', message: 'Body is not valid UTF-8.' },
  { name: 'deeply nested arrays', send: () => h.post('['.repeat(50_000) + ']'.repeat(50_000)), status: 400, code: 'invalid_json', message: 'JSON is nested deeper than 64 levels.' },
  {
    name: 'deep nesting inside an otherwise valid incident',
    send: () => h.post(props((p) => (p.alerts[0].properties.additionalData.deep = JSON.parse('{"a":'.repeat(70) + '1' + '}'.repeat(70))))),
    status: 400,
    code: 'invalid_json',
    message: 'JSON is nested deeper than 64 levels.',
  },
  // JSON, but not an incident
  { name: 'null', send: () => h.post('null'), status: 400, code: 'invalid_incident', paths: ['(body)'] },
  { name: 'array', send: () => h.post('[]'), status: 400, code: 'invalid_incident', paths: ['(body)'] },
  { name: 'string', send: () => h.post('"incident"'), status: 400, code: 'invalid_incident', paths: ['(body)'] },
  { name: 'number', send: () => h.post('42'), status: 400, code: 'invalid_incident', paths: ['(body)'] },
  { name: 'empty object', send: () => h.post({}), status: 400, code: 'invalid_incident', paths: ['id', 'properties'] },
  // Wrong types and values
  { name: 'unknown severity', send: () => h.post(props((p) => (p.severity = 'Critical'))), status: 400, code: 'invalid_incident', paths: ['object.properties.severity'] },
  { name: 'severity as number', send: () => h.post(props((p) => (p.severity = 3))), status: 400, code: 'invalid_incident', paths: ['object.properties.severity'] },
  { name: 'title as object', send: () => h.post(props((p) => (p.title = { text: 'x' }))), status: 400, code: 'invalid_incident', paths: ['object.properties.title'] },
  { name: 'missing title and status', send: () => h.post(props((p) => { delete p.title; delete p.status; })), status: 400, code: 'invalid_incident', paths: ['object.properties.title', 'object.properties.status'] },
  { name: 'incident number as string', send: () => h.post(props((p) => (p.incidentNumber = 'abc'))), status: 400, code: 'invalid_incident', paths: ['object.properties.incidentNumber'] },
  { name: 'fractional incident number', send: () => h.post(props((p) => (p.incidentNumber = 1.5))), status: 400, code: 'invalid_incident', paths: ['object.properties.incidentNumber'] },
  { name: 'labels not a list', send: () => h.post(props((p) => (p.labels = 'vip'))), status: 400, code: 'invalid_incident', paths: ['object.properties.labels'] },
  { name: 'entity without kind', send: () => h.post(props((p) => delete p.relatedEntities[0].kind)), status: 400, code: 'invalid_incident', paths: ['object.properties.relatedEntities[0].kind'] },
  {
    name: 'Ip entity with a numeric address',
    send: () => h.post(props((p) => p.relatedEntities.push({ kind: 'Ip', properties: { address: 2130706433 } }))),
    status: 400,
    code: 'invalid_incident',
    paths: ['object.properties.relatedEntities[1].properties.address'],
  },
  { name: 'time that is not a time', send: () => h.post(props((p) => (p.createdTimeUtc = 'yesterday'))), status: 400, code: 'invalid_incident', paths: ['object.properties.createdTimeUtc'] },
  // Times: ISO 8601 date-times with a zone only (Date.parse would read "1" as 2001 and a zoneless time in the server's zone)
  { name: 'time "1"', send: () => h.post(props((p) => (p.createdTimeUtc = '1'))), status: 400, code: 'invalid_incident', paths: ['object.properties.createdTimeUtc'] },
  { name: 'time without a zone', send: () => h.post(props((p) => (p.lastModifiedTimeUtc = '2026-11-20T08:00:02'))), status: 400, code: 'invalid_incident', paths: ['object.properties.lastModifiedTimeUtc'] },
  { name: 'time as an RFC 2822 date', send: () => h.post(props((p) => (p.firstActivityTimeUtc = 'Fri, 20 Nov 2026 08:00:02 GMT'))), status: 400, code: 'invalid_incident', paths: ['object.properties.firstActivityTimeUtc'] },
  { name: 'a day February does not have', send: () => h.post(props((p) => (p.createdTimeUtc = '2026-02-30T08:00:00Z'))), status: 400, code: 'invalid_incident', paths: ['object.properties.createdTimeUtc'] },
  { name: 'an offset beyond 23 hours', send: () => h.post(props((p) => (p.createdTimeUtc = '2026-11-20T08:00:00+24:00'))), status: 400, code: 'invalid_incident', paths: ['object.properties.createdTimeUtc'] },
  {
    name: 'alert and comment times without a zone',
    send: () =>
      h.post(
        props((p) => {
          p.alerts[0].properties.startTimeUtc = '2026-11-20';
          p.comments = [{ properties: { message: 'x', createdTimeUtc: '2026-11-20 08:00:00' } }];
        }),
      ),
    status: 400,
    code: 'invalid_incident',
    paths: ['object.properties.alerts[0].properties.startTimeUtc', 'object.properties.comments[0].properties.createdTimeUtc'],
  },
  {
    name: 'Update event without lastModifiedTimeUtc (its run id is made of it)',
    send: () => h.post({ ...props((p) => delete p.lastModifiedTimeUtc), objectEventType: 'Update' }),
    status: 400,
    code: 'invalid_incident',
    paths: ['object.properties.lastModifiedTimeUtc'],
  },
  {
    name: 'Update event with a null lastModifiedTimeUtc and another error',
    send: () => h.post({ ...props((p) => ((p.lastModifiedTimeUtc = null), (p.severity = 'Critical'))), objectEventType: 'Update' }),
    status: 400,
    code: 'invalid_incident',
    paths: ['object.properties.severity', 'object.properties.lastModifiedTimeUtc'],
  },
  { name: 'unknown event type', send: () => h.post({ ...relay(), objectEventType: 'Delete' }), status: 400, code: 'invalid_incident', paths: ['objectEventType'] },
  { name: 'alert instead of incident', send: () => h.post({ ...relay(), objectSchemaType: 'Alert' }), status: 400, code: 'invalid_incident', paths: ['objectSchemaType'] },
  { name: 'missing workspaceInfo', send: () => h.post({ ...relay(), workspaceInfo: undefined }), status: 400, code: 'invalid_incident', paths: ['workspaceInfo'] },
  {
    name: 'workspaceInfo naming another workspace',
    send: () => h.post({ ...relay(), workspaceInfo: { ...relay().workspaceInfo, WorkspaceName: 'evil-workspace' } }),
    status: 400,
    code: 'invalid_incident',
    paths: ['workspaceInfo.WorkspaceName'],
  },
  {
    name: 'id of another resource type',
    send: () => {
      const body = relay();
      body.object.id = body.object.id.replace('Incidents/inc-repo-deleted-github', 'alertRules/inc-repo-deleted-github');
      return h.post(body);
    },
    status: 400,
    code: 'invalid_incident',
    paths: ['object.id'],
  },
  {
    name: 'path traversal in the id',
    send: () => {
      const body = relay();
      body.object.id = body.object.id.replace('inc-repo-deleted-github', '../../../inc-x');
      return h.post(body);
    },
    status: 400,
    code: 'invalid_incident',
    paths: ['object.id'],
  },
  {
    name: 'huge id',
    send: () => {
      const body = relay();
      body.object.id = `${body.object.id}${'a'.repeat(100_000)}`;
      return h.post(body);
    },
    status: 400,
    code: 'invalid_incident',
    paths: ['object.id'],
  },
  {
    name: 'incident of another workspace (consistent relay body)',
    send: () => {
      const text = JSON.stringify(relay()).replaceAll('soc-workspace', 'other-workspace');
      return h.post(text);
    },
    status: 400,
    code: 'invalid_incident',
    message: 'The incident belongs to another Sentinel workspace.',
    paths: ['object.id'],
  },
  {
    name: 'bare ARM incident of another subscription',
    send: () => h.post(JSON.stringify(relay().object).replaceAll('00000000-0000-4000-8000-000000000001', '11111111-0000-4000-8000-000000000001')),
    status: 400,
    code: 'invalid_incident',
    paths: ['id'],
  },
  // Incident names are ASCII: under case-insensitive Unicode matching U+017F would pass as "s" and the Kelvin sign
  // as "k", and their run ids would collide with those of other incidents.
  { name: 'incident name with U+017F (long s)', send: () => h.post(renamed(relay(), 'inc-x\u017Fb')), status: 400, code: 'invalid_incident', paths: ['object.id'] },
  { name: 'incident name with the Kelvin sign', send: () => h.post(renamed(relay(), 'inc-\u212Aelvin')), status: 400, code: 'invalid_incident', paths: ['object.id'] },
  { name: 'workspace name with the Kelvin sign', send: () => h.post(JSON.stringify(relay()).replaceAll('soc-workspace', 'soc-wor\u212Aspace')), status: 400, code: 'invalid_incident', paths: ['object.id'] },
  { name: 'name that is not the id', send: () => h.post({ ...relay(), object: { ...relay().object, name: 'inc-other' } }), status: 400, code: 'invalid_incident', paths: ['object.name'] },
  {
    name: 'thousands of invalid labels report at most 50 paths',
    send: () => h.post(props((p) => (p.labels = Array.from({ length: 2000 }, () => ({ labelName: 7 }))))),
    status: 400,
    code: 'invalid_incident',
    message: 'The body is not a valid Sentinel incident; 1950 more invalid fields are not listed.',
    paths: Array.from({ length: 50 }, (_, i) => `object.properties.labels[${i}].labelName`),
  },
  {
    name: 'every invalid field of one body in one answer: schema, workspace, name and entity properties',
    send: () => {
      const body = props((p) => {
        p.severity = 'Critical';
        p.relatedEntities.push({ kind: 'Ip', properties: { address: 42 } });
      });
      body.object.name = 'something-else';
      body.workspaceInfo.WorkspaceName = 'other-workspace';
      return h.post(body);
    },
    status: 400,
    code: 'invalid_incident',
    message: 'The body is not a valid Sentinel incident.',
    paths: ['object.properties.severity', 'workspaceInfo.WorkspaceName', 'object.name', 'object.properties.relatedEntities[1].properties.address'],
  },
  {
    name: 'thousands of invalid entities report at most 50 paths and how many more there are',
    send: () => h.post(props((p) => p.relatedEntities.push(...Array.from({ length: 5000 }, () => ({ kind: 'Ip', properties: {} }))))),
    status: 400,
    code: 'invalid_incident',
    message: 'The body is not a valid Sentinel incident; 4950 more invalid fields are not listed.',
    paths: Array.from({ length: 50 }, (_, i) => `object.properties.relatedEntities[${i + 1}].properties.address`),
  },
  {
    name: 'invalid labels and entities together: 50 paths in all, schema errors first',
    send: () =>
      h.post(
        props((p) => {
          p.labels = Array.from({ length: 40 }, () => ({ labelName: 7 }));
          p.relatedEntities.push(...Array.from({ length: 40 }, () => ({ kind: 'Url', properties: {} })));
        }),
      ),
    status: 400,
    code: 'invalid_incident',
    message: 'The body is not a valid Sentinel incident; 30 more invalid fields are not listed.',
    paths: [
      ...Array.from({ length: 40 }, (_, i) => `object.properties.labels[${i}].labelName`),
      ...Array.from({ length: 10 }, (_, i) => `object.properties.relatedEntities[${i + 1}].properties.url`),
    ],
  },
  // Prototype tricks: the keys are dropped, so they cannot supply or override anything
  { name: '__proto__ at the top', send: () => h.post('{"__proto__": {"polluted": true, "id": "x"}}'), status: 400, code: 'invalid_incident', paths: ['id', 'properties'] },
  {
    name: '__proto__ supplying a missing severity',
    send: () => {
      const text = JSON.stringify(props((p) => delete p.severity)).replace('"properties":{', '"properties":{"__proto__":{"severity":"High"},');
      return h.post(text);
    },
    status: 400,
    code: 'invalid_incident',
    paths: ['object.properties.severity'],
  },
  {
    name: 'constructor.prototype payload',
    send: () => h.post('{"constructor": {"prototype": {"polluted": true}}, "properties": {"constructor": {"prototype": {"isAdmin": true}}}}'),
    status: 400,
    code: 'invalid_incident',
    paths: ['id', 'properties.title', 'properties.severity', 'properties.status'],
  },
  // Transport
  { name: 'text/plain', send: () => h.post(relay(), { contentType: 'text/plain' }), status: 415, code: 'unsupported_media_type' },
  { name: 'no content type', send: () => h.post(relay(), { contentType: null }), status: 415, code: 'unsupported_media_type' },
  { name: 'application/xml', send: () => h.post('<incident/>', { contentType: 'application/xml' }), status: 415, code: 'unsupported_media_type' },
  { name: 'application/jsonp look-alike', send: () => h.post(relay(), { contentType: 'application/jsonp' }), status: 415, code: 'unsupported_media_type' },
  { name: 'form encoded', send: () => h.post('a=1', { contentType: 'application/x-www-form-urlencoded' }), status: 415, code: 'unsupported_media_type' },
  { name: 'application/json-patch+json', send: () => h.post(relay(), { contentType: 'application/json-patch+json' }), status: 415, code: 'unsupported_media_type' },
  { name: 'application/merge-patch+json', send: () => h.post(relay(), { contentType: 'application/merge-patch+json' }), status: 415, code: 'unsupported_media_type' },
  {
    name: 'application/json in UTF-16',
    send: () => h.post(new Uint8Array(Buffer.from(`\ufeff${JSON.stringify(relay())}`, 'utf16le')), { contentType: 'application/json; charset=utf-16' }),
    status: 415,
    code: 'unsupported_media_type',
  },
  { name: 'application/json, charset latin1', send: () => h.post(relay(), { contentType: 'application/json; charset=iso-8859-1' }), status: 415, code: 'unsupported_media_type' },
  {
    name: 'body over 1 MiB',
    send: () => h.post(props((p) => (p.description = 'x'.repeat(1024 * 1024)))),
    status: 413,
    code: 'payload_too_large',
    message: 'The body exceeds 1048576 bytes.',
  },
  { name: 'body over 1 MiB, chunked (no length)', send: () => postChunked(1024 * 1024 + 10), status: 413, code: 'payload_too_large' },
  // Credentials where the answer or a run id would carry them
  { name: 'incident id holding a GitHub token', send: () => h.post(renamed(relay(), token)), status: 400, code: 'invalid_incident', paths: ['object.id'], absent: token },
  { name: 'a token as the severity', send: () => h.post(props((p) => (p.severity = token))), status: 400, code: 'invalid_incident', paths: ['object.properties.severity'], absent: token },
  // Keys (the host enforces authLevel function: 401, empty body)
  { name: 'missing key', send: () => h.post(relay(), { key: null }), status: 401 },
  { name: 'wrong key', send: () => h.post(relay(), { key: 'not-the-key' }), status: 401 },
  { name: 'key with one character changed', send: () => h.post(relay(), { key: flipLast(h.host.functionKey) }), status: 401 },
  { name: 'key as a bearer token', send: () => h.post(relay(), { key: null, headers: { authorization: `Bearer ${h.host.functionKey}` } }), status: 401 },
  {
    name: 'GET is not a route',
    send: async () => {
      const res = await fetch(`${h.host.url}/api/incidents`, { headers: { 'x-functions-key': h.host.functionKey } });
      return { status: res.status, json: undefined, text: await res.text() };
    },
    status: 404,
  },
];

for (const c of cases) {
  test(`rejects: ${c.name} → ${c.status}${c.code ? ` ${c.code}` : ''}`, async () => {
    const before = await h.instanceIds();
    const res = await c.send();
    assert.equal(res.status, c.status, res.text.slice(0, 500));
    if (c.code) {
      assert.ok(res.json, 'a JSON error body');
      assert.equal(res.json.error.code, c.code);
      assert.equal(typeof res.json.error.message, 'string');
      if (typeof c.message === 'string') assert.equal(res.json.error.message, c.message);
      else if (c.message) assert.match(res.json.error.message, c.message);
      if (c.paths) {
        assert.deepEqual(
          (res.json.error.details ?? []).map((d) => d.path),
          c.paths,
        );
        for (const d of res.json.error.details ?? []) {
          assert.equal(typeof d.expected, 'string');
          assert.equal(typeof d.received, 'string');
        }
      } else {
        assert.equal(res.json.error.details, undefined);
      }
      assert.deepEqual(Object.keys(res.json), ['error']);
    } else if (c.status === 401) {
      assert.equal(res.text, '');
    }
    if (c.absent) assert.equal(res.text.includes(c.absent), false, res.text.slice(0, 500));
    assert.deepEqual(await h.instanceIds(), before, 'no instance was started');
  });
}

test('error details say what was expected and what came', async () => {
  const res = await h.post(props((p) => (p.severity = 'Critical')));
  assert.deepEqual(res.json, {
    error: {
      code: 'invalid_incident',
      message: 'The body is not a valid Sentinel incident.',
      details: [{ path: 'object.properties.severity', expected: 'one of "High", "Medium", "Low", "Informational"', received: 'string "Critical"' }],
    },
  });
});

// Accepted, but hostile: what reaches the run is neutralised.
async function acceptedInput(name: string, body: RelayBody, contentType?: string): Promise<PlaybookRunInput> {
  const res = await h.post(renamed(body, name), contentType ? { contentType } : {});
  assert.equal(res.status, 202, res.text.slice(0, 500));
  const status = await h.completed(res.json.runs[0].instanceId);
  return status.input as PlaybookRunInput;
}

test('accepts: HTML and script in the title reach the run as inert text', async () => {
  const title = '<script>alert(1)</script><img src=x onerror=alert(2)> & "quoted"';
  const input = await acceptedInput('inc-hostile-html', props((p) => (p.title = title)));
  assert.equal(input.incident.title, title);
});

test('accepts: unicode tricks are cleaned (bidi override, zero-width, NUL, lone surrogate, CR/LF)', async () => {
  const body = props((p) => (p.title = 'Repo\u202Eexe.txt\u200B\u0000 deleted\r\nInjected: header \ud800 ok'));
  const text = JSON.stringify(body); // JSON.stringify escapes the lone surrogate as \ud800
  body.object.properties.title = undefined;
  const input = await acceptedInput('inc-hostile-unicode', JSON.parse(text));
  assert.equal(input.incident.title, 'Repoexe.txt deleted Injected: header \uFFFD ok');
});

test('accepts: application/json with charset utf-8, in any case and quoted', async () => {
  for (const [i, contentType] of ['application/json; charset=utf-8', 'Application/JSON;Charset="UTF-8"'].entries()) {
    const input = await acceptedInput(`inc-hostile-charset-${i}`, relay(), contentType);
    assert.equal(input.incident.name, `inc-hostile-charset-${i}`);
  }
});

test('accepts: invisible and line-breaking characters are removed from single-line text (U+061C, U+2028/9, tag characters)', async () => {
  const body = props((p) => {
    p.title = 'Repo\u061C deleted\u2028Injected\u2029line \u{E0041}\u{E0042}\u{E007F}tagged';
    p.description = 'line1\u2028line2\u061C';
  });
  const input = await acceptedInput('inc-hostile-invisible', body);
  assert.equal(input.incident.title, 'Repo deleted Injected line tagged');
  assert.equal(input.incident.description, 'line1\u2028line2');
});

test('accepts: credentials in any incident text are redacted before they reach the run', async () => {
  const body = props((p) => {
    p.title = `Secret ${token} committed`;
    p.description = `Leaked token ${token} found`;
    p.comments = [{ properties: { message: `analyst pasted ${token}` } }];
    p.labels = [{ labelName: `label-${token}` }];
    const alert = p.alerts[0].properties;
    alert.description = `alert ${token}`;
    alert.additionalData['Custom Details'] = JSON.stringify({ ...JSON.parse(alert.additionalData['Custom Details'] as string), Pasted: [token] });
    alert.additionalData.raw = { nested: [`Authorization: Bearer ${token}`] };
    p.relatedEntities.push({ kind: 'Url', properties: { url: `https://example.com/cb?access_token=${token}` } });
  });
  const input = await acceptedInput('inc-hostile-token', body);
  assert.equal(JSON.stringify(input).includes(token), false, JSON.stringify(input).slice(0, 2000));
  assert.equal(input.incident.title, 'Secret [REDACTED] committed');
  assert.equal(input.incident.description, 'Leaked token [REDACTED] found');
  assert.equal(input.incident.comments[0]?.message, 'analyst pasted [REDACTED]');
  assert.deepEqual(input.incident.alerts[0]?.customDetails.Pasted, ['[REDACTED]']);
  assert.deepEqual(input.incident.alerts[0]?.customDetails.Repository, ['payments-api']);
  assert.equal(input.incident.entities.at(-1)?.properties.url, 'https://example.com/cb?access_token=[REDACTED]');
});

test('accepts: ordinary words that also carry credentials elsewhere are kept, so playbooks still match on them', async () => {
  const body = props((p) => {
    p.title = 'Sign-ins using Basic authentication, then Refresh token replay-detected';
    p.description = 'Rule hit with code=1 and signature=ET-TROJAN; Bearer tokens were not involved';
    p.labels = [{ labelName: 'password=reset-flow' }];
  });
  const input = await acceptedInput('inc-hostile-carrier-words', body);
  assert.equal(input.incident.title, 'Sign-ins using Basic authentication, then Refresh token replay-detected');
  assert.equal(input.incident.description, 'Rule hit with code=1 and signature=ET-TROJAN; Bearer tokens were not involved');
  assert.deepEqual(input.incident.labels.map((l) => l.name), ['password=reset-flow']);
});

test('accepts: a 900 KB title is capped at 1,024 characters', async () => {
  const input = await acceptedInput('inc-hostile-long', props((p) => (p.title = 'A'.repeat(900_000))));
  assert.equal(input.incident.title.length, 1024);
  assert.ok(input.incident.title.endsWith('…'));
});

test('accepts: times with an offset or seven fractional digits are normalised to UTC with milliseconds', async () => {
  const input = await acceptedInput(
    'inc-hostile-times',
    props((p) => {
      p.createdTimeUtc = '2026-11-20T10:00:05+02:00';
      p.lastModifiedTimeUtc = '2026-11-20T08:00:02.1234567Z';
      p.firstActivityTimeUtc = '2026-11-19T23:30:00-08:30';
    }),
  );
  assert.equal(input.incident.createdTimeUtc, '2026-11-20T08:00:05.000Z');
  assert.equal(input.incident.lastModifiedTimeUtc, '2026-11-20T08:00:02.123Z');
  assert.equal(input.incident.firstActivityTimeUtc, '2026-11-20T08:00:00.000Z');
});

test('accepts: unknown fields are tolerated and dropped', async () => {
  const body = props((p) => {
    p.somethingNew = { nested: true };
    p.alerts[0].properties.futureField = 1;
  });
  body.extraTopLevel = 'x';
  const input = await acceptedInput('inc-hostile-extra', body);
  assert.equal('somethingNew' in input.incident, false);
  assert.equal(JSON.stringify(input).includes('extraTopLevel'), false);
});

test('accepts: __proto__ in custom details and entity properties pollutes nothing', async () => {
  const body = props((p) => {
    p.alerts[0].properties.additionalData['Custom Details'] =
      '{"__proto__":{"polluted":["yes"]},"constructor":["x"],"Platform":["GitHub"],"Repository":["r"]}';
  });
  // JSON.parse keeps "__proto__" as an own key, so this body really carries it over the wire.
  const hostile = JSON.parse(JSON.stringify(body).replace('"accountName":"mallory-gh"', '"accountName":"mallory-gh","__proto__":{"isAdmin":true}'));
  const input = await acceptedInput('inc-hostile-proto', hostile);
  assert.deepEqual(Object.keys(input.incident.alerts[0].customDetails), ['Platform', 'Repository']);
  assert.deepEqual(Object.keys(input.incident.entities[0].properties), ['accountName', 'friendlyName']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(({} as Record<string, unknown>).isAdmin, undefined);
});

test('accepts: a URL entity pointing at a local server is never fetched', async () => {
  let hits = 0;
  const canary = createServer((_req, res) => {
    hits++;
    res.end();
  });
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(canary.address() as AddressInfo).port}/canary`;
    const input = await acceptedInput(
      'inc-hostile-url',
      props((p) => {
        p.relatedEntities.push({ kind: 'Url', properties: { url } });
        p.incidentUrl = url;
      }),
    );
    assert.equal(input.incident.portalUrl, url);
    assert.equal(hits, 0);
  } finally {
    await new Promise((resolve) => canary.close(resolve));
  }
});

test('parallel duplicate deliveries start one run per playbook; every answer names it', async () => {
  const body = fixture('secret-committed-github');
  renamed(body, 'inc-parallel');
  const before = await h.runs();
  const answers = await Promise.all(Array.from({ length: 25 }, () => h.post(body)));
  assert.ok(answers.every((a) => a.status === 202));
  for (const playbook of ['revoke-secret', 'notify-soc']) {
    const instanceId = `${playbook}-inc-parallel-create`;
    const runs = answers.map((a) => a.json.runs.find((r) => r.playbook === playbook));
    assert.ok(runs.every((r) => r?.instanceId === instanceId));
    assert.equal(runs.filter((r) => r?.duplicate === false).length, 1, `${playbook}: exactly one delivery started it`);
  }
  const after = await h.runs();
  assert.equal(after.length, before.length + 2);
  await h.completed('revoke-secret-inc-parallel-create');

  // A redelivery after the run completed is still a duplicate: the completed run is not replaced.
  const created = (await h.completed('notify-soc-inc-parallel-create')).createdTime;
  const again = await h.post(body);
  assert.deepEqual(
    again.json.runs.map((r) => r.duplicate),
    [true, true],
  );
  assert.equal((await h.completed('notify-soc-inc-parallel-create')).createdTime, created);
  assert.equal((await h.runs()).length, before.length + 2);
});

test('Object.prototype is unpolluted after the whole corpus', () => {
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeKeysBefore);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(({} as Record<string, unknown>).isAdmin, undefined);
  assert.equal(({} as Record<string, unknown>).severity, undefined);
});

function flipLast(key: string): string {
  return key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a');
}

/** A body sent with Transfer-Encoding: chunked, so the size is only known by reading it. */
function postChunked(bytes: number): Promise<Res> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${h.host.url}/api/incidents`);
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'x-functions-key': h.host.functionKey } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, json: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    for (let sent = 0; sent < bytes; sent += chunk.length) req.write(chunk);
    req.end();
  });
}
