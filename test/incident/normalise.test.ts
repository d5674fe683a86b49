import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  IncidentValidationError,
  normaliseIncident,
  parseIncident,
  parseUntrustedJson,
  toIncident,
  UntrustedJsonError,
  TITLE_MAX,
  type IncidentData,
} from '../../src/incident/index.js';
import { readIncidentFixture as fixture, readIncidentFixtureText as fixtureText, type FixtureEntity } from '../fixtures/relayBody.js';

const fixtureDir = new URL('../../../test/fixtures/incidents/', import.meta.url);

const WS = '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/soc-rg/providers/Microsoft.OperationalInsights/workspaces/soc-workspace';

function expectInvalid(body: unknown): IncidentValidationError {
  try {
    normaliseIncident(body);
  } catch (err) {
    assert.ok(err instanceof IncidentValidationError, String(err));
    return err;
  }
  assert.fail('expected IncidentValidationError');
}

test('relay body: every field of the inventory lands in the typed incident', () => {
  const incident = parseIncident(fixtureText('new-country-github'));
  assert.equal(incident.id, `${WS}/providers/Microsoft.SecurityInsights/Incidents/inc-new-country-github`);
  assert.equal(incident.name, 'inc-new-country-github');
  assert.deepEqual(incident.workspace, {
    subscriptionId: '00000000-0000-4000-8000-000000000001',
    resourceGroup: 'soc-rg',
    workspaceName: 'soc-workspace',
    workspaceId: '8d5d3f3c-0000-4000-8000-000000000001',
  });
  assert.equal(incident.eventType, 'Create');
  assert.equal(incident.number, 108);
  assert.equal(incident.severity, 'Medium');
  assert.equal(incident.status, 'New');
  assert.deepEqual(incident.owner, {});
  assert.equal(incident.provider, 'Azure Sentinel');
  assert.deepEqual(incident.analyticRuleGuids, ['f041e01d-840d-43da-95c8-4188f6cef546']);
  assert.deepEqual(incident.analyticRuleNames, ['GitHub Activites from a New Country']);
  assert.deepEqual(incident.tactics, ['InitialAccess']);
  assert.deepEqual(incident.techniques, ['T1078']);
  assert.deepEqual(incident.productNames, ['Azure Sentinel']);
  assert.match(incident.portalUrl!, /^https:\/\/portal\.azure\.com\//);
  assert.equal(incident.createdTimeUtc, '2026-11-20T08:00:00.000Z');
  assert.equal(incident.alerts.length, 1);
  assert.equal(incident.alerts[0]!.displayName, 'GitHub Activites from a New Country');
  assert.deepEqual({ ...incident.alerts[0]!.customDetails }, { Platform: ['GitHub'], Organization: ['contoso'], Country: ['KP'], ActorUpn: ['alice@contoso.com'] });
});

test('entity accessors select by kind and type the camelCase properties', () => {
  const incident = parseIncident(fixtureText('new-country-github'));
  assert.deepEqual(
    incident.accounts().map((a) => [a.accountName, a.upn, a.aadUserId]),
    [
      ['alice-gh', undefined, undefined],
      ['alice', 'alice@contoso.com', 'a1000000-0000-4000-8000-000000000001'],
    ],
  );
  assert.deepEqual(incident.ips().map((i) => [i.address, i.countryCode]), [['203.0.113.50', 'KP']]);
  assert.deepEqual(incident.cloudApplications().map((c) => [c.appId, c.appName]), [[11161, 'GitHub']]);
  assert.deepEqual(incident.urls(), []);
  assert.deepEqual(incident.hosts(), []);
  const secret = parseIncident(fixtureText('secret-committed-github'));
  assert.deepEqual(secret.urls().map((u) => u.url), ['https://github.com/contoso/payments-api/security/secret-scanning/1']);
  assert.deepEqual(secret.customDetail('alertnumber'), ['1']);
  assert.deepEqual(secret.customDetail('SecretType'), ['github_personal_access_token']);
  assert.deepEqual(secret.customDetail('Missing'), []);
});

test('Host, File and FileHash entities from the public relatedEntities sample', () => {
  const body = fixture('repo-deleted-github');
  body.object.properties.relatedEntities = JSON.parse(
    readFileSync(new URL('../sentinel/relatedEntities_Host_File_FileHash.json', fixtureDir), 'utf8'),
  ) as FixtureEntity[];
  const incident = normaliseIncident(parseUntrustedJson(JSON.stringify(body)));
  assert.deepEqual(incident.hosts().map((h) => [h.hostName, h.osVersion]), [['vmlinuxcustomlog', '7.9']]);
  assert.deepEqual(incident.files().map((f) => [f.fileName, f.directory]), [['eicar.com', '/home/azureuser']]);
  assert.equal(incident.entitiesOfKind('filehash').length, 1);
  assert.equal(incident.entitiesOfKind('FileHash')[0]!.properties.algorithm, 'SHA1');
});

test('bare ARM incident: Create event, rule ids from relatedAnalyticRuleIds, owner and labels', () => {
  const incident = parseIncident(fixtureText('arm-branch-policy-disabled-azdo'));
  assert.equal(incident.eventType, 'Create');
  assert.equal(incident.workspace.workspaceId, undefined);
  assert.equal(incident.number, 112);
  assert.deepEqual(incident.analyticRuleGuids, ['5ca1ab1e-0000-4000-8000-000000000004']);
  assert.deepEqual(incident.labels, [{ name: 'devops', type: 'User' }]);
  assert.equal(incident.owner.userPrincipalName, 'erin@contoso.com');
  assert.deepEqual(incident.alerts, []);
  assert.deepEqual(incident.entities, []);
});

test('the official REST example (GET incident) normalises', () => {
  const example = JSON.parse(readFileSync(new URL('../sentinel/GetIncidentById_2025-09-01.json', fixtureDir), 'utf8')) as {
    responses: Record<string, { body: unknown }>;
  };
  const incident = normaliseIncident(example.responses['200'].body);
  assert.equal(incident.classification, 'FalsePositive');
  assert.equal(incident.number, 3177);
  assert.deepEqual(incident.tactics, ['InitialAccess', 'Persistence']);
  assert.deepEqual(incident.analyticRuleGuids, ['fab3d2d4-747f-46a7-8ef0-9c0be8112bf7']);
  assert.equal(incident.workspace.resourceGroup, 'myRg');
});

test('Microsoft XDR provider and empty entities are accepted', () => {
  assert.equal(parseIncident(fixtureText('xdr-new-country')).provider, 'Microsoft XDR');
  const pending = parseIncident(fixtureText('entities-pending'));
  assert.deepEqual(pending.entities, []);
  assert.deepEqual(pending.accounts(), []);
  assert.deepEqual(pending.customDetail('Repository'), ['payments-api']);
});

test('an Incident serialises to its data and is re-wrapped with accessors', () => {
  const incident = parseIncident(fixtureText('repo-deleted-azdo'));
  assert.ok(Object.isFrozen(incident));
  const data = JSON.parse(JSON.stringify(incident)) as IncidentData;
  assert.equal('accounts' in data, false);
  const again = toIncident(data);
  assert.deepEqual(again.accounts().map((a) => a.upn), ['mallory@contoso.com']);
  assert.deepEqual(again.customDetail('RepositoryId'), ['7e000000-0000-4000-8000-000000000002']);
});

test('custom details are accepted as a JSON string, an object, and with scalar values', () => {
  const body = fixture('repo-deleted-github');
  const alert = body.object.properties.alerts[0];
  // Custom Details of other shapes than the fixture's JSON string.
  const additionalData: Record<string, unknown> = alert.properties.additionalData;
  additionalData['Custom Details'] = { Platform: 'GitHub', AlertNumber: 7, Tags: ['a', 'b', 'a'] };
  const incident = normaliseIncident(parseUntrustedJson(JSON.stringify(body)));
  assert.deepEqual(incident.customDetail('AlertNumber'), ['7']);
  assert.deepEqual(incident.customDetail('Tags'), ['a', 'b']);
  additionalData['Custom Details'] = '{not json';
  assert.deepEqual(normaliseIncident(parseUntrustedJson(JSON.stringify(body))).customDetail('Platform'), []);
});

test('schema errors list every invalid path with what was expected and received', () => {
  const body = fixture('repo-deleted-github');
  // Values the schema refuses: the properties as a plain JSON object.
  const properties: Record<string, unknown> = body.object.properties;
  properties.severity = 'Critical';
  properties.title = 42;
  body.object.properties.labels = [{ labelName: '' }];
  body.workspaceId = 'nope';
  const err = expectInvalid(parseUntrustedJson(JSON.stringify(body)));
  const byPath = Object.fromEntries(err.details.map((d) => [d.path, d]));
  assert.deepEqual(byPath['object.properties.severity'], {
    path: 'object.properties.severity',
    expected: 'one of "High", "Medium", "Low", "Informational"',
    received: 'string "Critical"',
  });
  assert.deepEqual(byPath['object.properties.title'], { path: 'object.properties.title', expected: 'string', received: 'number 42' });
  assert.equal(byPath['object.properties.labels[0].labelName']?.expected, 'non-empty string');
  assert.equal(byPath['workspaceId']?.expected, 'a workspace GUID');
  assert.equal(err.details.length, 4);
});

test('workspaceInfo must agree with the incident id, and the name with its last segment', () => {
  const body = fixture('repo-deleted-github');
  body.workspaceInfo.WorkspaceName = 'other-workspace';
  body.object.name = 'inc-other';
  const err = expectInvalid(parseUntrustedJson(JSON.stringify(body)));
  assert.deepEqual(
    err.details.map((d) => d.path),
    ['workspaceInfo.WorkspaceName', 'object.name'],
  );
});

test('a field both the schema and a check across fields refuse is reported once, under one path', () => {
  const body = fixture('repo-deleted-github');
  body.object.name = 'n'.repeat(129); // too long for the schema, and not the id's last segment
  const err = expectInvalid(parseUntrustedJson(JSON.stringify(body)));
  assert.deepEqual(
    err.details.map((d) => [d.path, d.expected]),
    [['object.name', 'string of at most 128 characters']],
  );
});

test('typed entity properties are checked per kind; unknown kinds pass through', () => {
  const body = fixture('repo-deleted-azdo');
  body.object.properties.relatedEntities[1].properties.address = 12;
  const entities: unknown[] = body.object.properties.relatedEntities; // an entity without a name, as Sentinel may send
  entities.push({ kind: 'Mailbox', properties: { mailboxPrimaryAddress: 'x@contoso.com' } });
  const err = expectInvalid(parseUntrustedJson(JSON.stringify(body)));
  assert.deepEqual(err.details, [
    { path: 'object.properties.relatedEntities[1].properties.address', expected: 'string', received: 'number 12' },
  ]);
  body.object.properties.relatedEntities[1].properties.address = '198.51.100.23';
  const incident = normaliseIncident(parseUntrustedJson(JSON.stringify(body)));
  assert.equal(incident.entitiesOfKind('mailbox')[0]!.properties.mailboxPrimaryAddress, 'x@contoso.com');
});

test('untrusted text: controls and bidi overrides removed, lone surrogates replaced, titles capped', () => {
  const body = fixture('repo-deleted-github');
  body.object.properties.title = `Invoice\u202Egpj.exe\u0000 <b>x</b>\n\ud800` + 'x'.repeat(5000);
  body.object.properties.description = 'line1\nline2\u200B';
  const incident = normaliseIncident(parseUntrustedJson(JSON.stringify(body)));
  assert.equal(incident.title.length, TITLE_MAX);
  assert.ok(incident.title.startsWith('Invoicegpj.exe <b>x</b> \uFFFDxxx'));
  assert.ok(incident.title.endsWith('…'));
  assert.equal(incident.description, 'line1\nline2');
});

test('untrusted JSON: prototype keys dropped, objects have no prototype, nesting bounded', () => {
  const value = parseUntrustedJson('{"a":{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}},"ok":true}}') as Record<string, Record<string, unknown>>;
  assert.equal(Object.getPrototypeOf(value), null);
  assert.deepEqual(Object.keys(value.a), ['ok']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.throws(() => parseUntrustedJson('['.repeat(65) + ']'.repeat(65)), UntrustedJsonError);
  assert.doesNotThrow(() => parseUntrustedJson('"' + '['.repeat(100) + '"'));
  assert.throws(() => parseUntrustedJson('{"a":'), /Body is not valid JSON/);
});

test('not an object, or neither a relay body nor an ARM incident', () => {
  assert.equal(expectInvalid([1, 2]).details[0]!.path, '(body)');
  assert.equal(expectInvalid('text').details[0]!.received, 'string "text"');
  const err = expectInvalid({ hello: 'world' });
  assert.deepEqual(
    err.details.map((d) => d.path),
    ['id', 'properties'],
  );
});
