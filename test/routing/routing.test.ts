import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseIncident, parseUntrustedJson, normaliseIncident } from '../../src/incident/index.js';
import { describePlaybook } from '../../src/routing/catalogueApi.js';
import {
  compileTitlePattern,
  matchPlaybooks,
  runInstanceId,
  validateCatalogue,
  validateTrigger,
  type PlaybookEntry,
  type PlaybookTrigger,
} from '../../src/routing/index.js';

const fixtureText = (name: string) => readFileSync(new URL(`../../../test/fixtures/incidents/${name}.json`, import.meta.url), 'utf8');
const incident = (name: string) => parseIncident(fixtureText(name));

function entry(name: string, trigger: PlaybookTrigger): PlaybookEntry {
  return { name, title: name, version: '1.0.0', trigger, orchestrationName: `${name}Orchestration` };
}

test('each criterion matches case-insensitively and says why', () => {
  const result = matchPlaybooks(incident('repo-deleted-github'), [
    entry('byRule', { analyticRuleIds: ['/subscriptions/x/alertRules/0B85A077-8BA5-4CB5-90F7-1E882AFE10C3'] }),
    entry('byName', { analyticRuleNames: ['github - repository was destroyed'] }),
    entry('byTitle', { titlePattern: 'repository\\s+was\\s+destroyed$' }),
    entry('bySeverity', { severities: ['High', 'Medium'], statuses: ['New'] }),
    entry('byDetail', { customDetails: { platform: ['github'], Repository: [] } }),
    entry('byTactic', { tactics: ['initialaccess'], productNames: ['Azure Sentinel'], providerNames: ['Azure Sentinel'] }),
    entry('byEntity', { requiredEntityKinds: ['account'] }),
  ]);
  assert.deepEqual(
    result.matches.map((m) => m.entry.name),
    ['byRule', 'byName', 'byTitle', 'bySeverity', 'byDetail', 'byTactic', 'byEntity'],
  );
  assert.equal(result.reason, undefined);
  const byDetail = result.matches.find((m) => m.entry.name === 'byDetail')!;
  assert.deepEqual(byDetail.reasons, [
    'event type Create is one of Create',
    'custom detail platform GitHub is one of github',
    'custom detail Repository is present',
  ]);
});

test('rule ids and rule names are one criterion: either one matching is enough', () => {
  const result = matchPlaybooks(incident('repo-deleted-github'), [
    entry('ownIdOrShippedName', { analyticRuleIds: ['5ca1ab1e-0000-4000-8000-0000000000ff'], analyticRuleNames: ['GitHub - Repository was destroyed'] }),
    entry('neither', { analyticRuleIds: ['5ca1ab1e-0000-4000-8000-0000000000ff'], analyticRuleNames: ['Some other rule'] }),
  ]);
  assert.deepEqual(result.matches.map((m) => m.entry.name), ['ownIdOrShippedName']);
  assert.deepEqual(result.matches[0]!.reasons.slice(1), ['analytic rule name GitHub - Repository was destroyed is one of GitHub - Repository was destroyed']);
  const none = matchPlaybooks(incident('repo-deleted-github'), [
    entry('neither', { analyticRuleIds: ['5ca1ab1e-0000-4000-8000-0000000000ff'], analyticRuleNames: ['Some other rule'] }),
  ]);
  assert.match(none.reason ?? '', /neither: analytic rule 0b85a077-8ba5-4cb5-90f7-1e882afe10c3 is not one of 5ca1ab1e-0000-4000-8000-0000000000ff, and analytic rule name GitHub - Repository was destroyed is not one of Some other rule/);
});

test('all given criteria must hold; the miss is explained per playbook', () => {
  const result = matchPlaybooks(incident('repo-deleted-github'), [
    entry('highOnly', { severities: ['High'] }),
    entry('needsIp', { requiredEntityKinds: ['Account', 'Ip'] }),
    entry('azdo', { customDetails: { Platform: ['AzureDevOps'] } }),
    entry('updates', { eventTypes: ['Update'] }),
    entry('off', { enabled: false }),
    entry('vip', { labels: ['vip'] }),
    entry('xdr', { providerNames: ['Microsoft XDR'] }),
  ]);
  assert.deepEqual(result.matches, []);
  assert.equal(
    result.reason,
    'No playbook matched incident 101. highOnly: severity Medium is not one of High; needsIp: no Ip entity; ' +
      'azdo: custom detail Platform GitHub is not one of AzureDevOps; updates: event type Create is not one of Update; ' +
      'off: disabled; vip: label none is not one of vip; xdr: provider Azure Sentinel is not one of Microsoft XDR.',
  );
  assert.equal(matchPlaybooks(incident('repo-deleted-github'), []).reason, 'No playbooks are registered.');
});

test('one incident can start several playbooks; XDR and labels route', () => {
  const result = matchPlaybooks(incident('xdr-new-country'), [
    entry('xdr', { providerNames: ['Microsoft XDR'] }),
    entry('defender', { labels: ['defender'] }),
    entry('country', { customDetails: { Country: ['KP'] }, requiredEntityKinds: ['Ip', 'Account'] }),
  ]);
  assert.equal(result.matches.length, 3);
});

test('Update events and the entities-pending incident', () => {
  const body = JSON.parse(fixtureText('repo-deleted-github'));
  body.objectEventType = 'Update';
  const updated = normaliseIncident(parseUntrustedJson(JSON.stringify(body)));
  assert.deepEqual(
    matchPlaybooks(updated, [entry('create', {}), entry('update', { eventTypes: ['Update'] })]).matches.map((m) => m.entry.name),
    ['update'],
  );
  const pending = incident('entities-pending');
  assert.equal(matchPlaybooks(pending, [entry('needsAccount', { requiredEntityKinds: ['Account'] })]).matches.length, 0);
});

test('instance ids: stable, readable, lower-case; updates carry the modification time', () => {
  const created = incident('repo-deleted-github');
  assert.equal(runInstanceId('restoreRepo', created), 'restoreRepo-inc-repo-deleted-github-create');
  assert.equal(runInstanceId('restoreRepo', { ...created, name: 'INC-Repo-Deleted-GitHub' }), 'restoreRepo-inc-repo-deleted-github-create');
  assert.equal(
    runInstanceId('notify', { name: '73E01A99-5CD7-4139-A149-9F2736FF2AB5', eventType: 'Update', lastModifiedTimeUtc: '2026-11-20T08:00:02.000Z' }),
    'notify-73e01a99-5cd7-4139-a149-9f2736ff2ab5-update-20261120T080002Z',
  );
  assert.equal(
    runInstanceId('notify', { name: 'inc-1', eventType: 'Update', lastModifiedTimeUtc: '2026-11-20T08:00:02.120Z' }),
    'notify-inc-1-update-20261120T080002.120Z',
  );
});

test('validateTrigger reports each bad criterion by path', () => {
  const problems = validateTrigger({
    severities: ['Critical'] as never,
    eventTypes: [] as never,
    titlePattern: '(a+)+$',
    customDetails: { Platform: 'GitHub' } as never,
    requiredEntityKinds: ['Ip address'],
    enabled: 'yes' as never,
    colour: ['red'],
  } as PlaybookTrigger);
  assert.deepEqual(
    problems.map((p) => p.path),
    [
      'trigger.colour',
      'trigger.eventTypes',
      'trigger.severities',
      'trigger.requiredEntityKinds',
      'trigger.titlePattern',
      'trigger.customDetails.Platform',
      'trigger.enabled',
    ],
  );
  assert.match(problems.find((p) => p.path === 'trigger.titlePattern')!.message, /catastrophic backtracking/);
  assert.deepEqual(validateTrigger({ titlePattern: '(' }).map((p) => p.message.slice(0, 38)), ['is not a valid regular expression: Inv']);
  assert.deepEqual(validateTrigger({ titlePattern: '(\\w)\\1' }).map((p) => p.message), ['must not use backreferences']);
  assert.deepEqual(validateTrigger({ analyticRuleIds: ['x'], titlePattern: '^GitHub - (Repository|Branch) .+$', severities: ['High'] }), []);
});

test('title patterns: nested quantifiers are refused, safe ones compile case-insensitive', () => {
  for (const bad of ['(a+)+', '(x*y)*', '((ab)+c)+', '(?:\\w+\\s?){2,}']) {
    assert.throws(() => compileTitlePattern(bad), /catastrophic/, bad);
  }
  for (const ok of ['(a|b)+', '[(+)]+', 'a+b+', '\\(a+\\)+']) assert.doesNotThrow(() => compileTitlePattern(ok), ok);
  assert.ok(compileTitlePattern('^github').test('GitHub - x'));
});

test('instance ids longer than 100 characters: the incident name is shortened to a prefix and a hash of all of it', () => {
  const long = (name: string) => ({ name, eventType: 'Create' as const });
  const a = runInstanceId('restore-repository', long('X'.repeat(128)));
  assert.equal(a, `restore-repository-${'x'.repeat(63)}-${createHash('sha256').update('x'.repeat(128)).digest('hex').slice(0, 10)}-create`);
  assert.equal(a.length, 100);
  assert.equal(runInstanceId('restore-repository', long('x'.repeat(128))), a, 'deterministic, and case-insensitive as names are');
  assert.notEqual(runInstanceId('restore-repository', long(`${'x'.repeat(127)}y`)), a);
  const fits = `p-${'n'.repeat(91)}-create`;
  assert.equal(runInstanceId('p', long('n'.repeat(91))), fits, 'an id of exactly 100 characters is not changed');
  const update = { name: 'N'.repeat(128), eventType: 'Update' as const, lastModifiedTimeUtc: '2026-11-20T08:00:02.123Z' };
  const longest = 'p'.repeat(48);
  assert.match(runInstanceId(longest, update), new RegExp(`^${longest}-n{12}-[0-9a-f]{10}-update-20261120T080002\\.123Z$`));
  assert.equal(runInstanceId(longest, update).length, 100);
});

test('validateCatalogue: a playbook name longer than 48 characters is named in the problem', () => {
  const name = 'notify-the-security-operations-centre-of-updates!'.replace('!', 's');
  assert.deepEqual(validateCatalogue([entry(name, {})]), [
    { path: 'catalogue[0].name', message: `"${name}" has 49 characters; a playbook name is part of its runs' instance ids and may have at most 48` },
  ]);
  assert.deepEqual(validateCatalogue([entry(name.slice(0, 48), {})]), []);
});

test('validateCatalogue: names, duplicates, required fields', () => {
  const problems = validateCatalogue([
    entry('good', {}),
    entry('good', {}),
    entry('bad name!', {}),
    { ...entry('noOrch', {}), orchestrationName: '' },
  ]);
  assert.deepEqual(
    problems.map((p) => p.path),
    ['catalogue[1].name', 'catalogue[2].name', 'catalogue[3].orchestrationName'],
  );
});

test('the catalogue listing publishes plain fields only, with effective trigger defaults', () => {
  const sdkLike = {
    ...entry('repo', { analyticRuleIds: ['x'] }),
    description: 'Restores it',
    permissions: [{ api: 'AzureDevOps', name: 'vso.code_manage' }],
    settings: { def: { type: 'object' } },
    run: function* () {},
  };
  assert.deepEqual(describePlaybook(sdkLike), {
    name: 'repo',
    title: 'repo',
    description: 'Restores it',
    version: '1.0.0',
    orchestrationName: 'repoOrchestration',
    trigger: { analyticRuleIds: ['x'], eventTypes: ['Create'], enabled: true },
    permissions: [{ api: 'AzureDevOps', name: 'vso.code_manage' }],
  });
});
