// The analytic-rule templates against the playbooks that consume them: each rule is in a playbook's trigger,
// maps every custom detail and entity kind that playbook declares it reads (its exported `reads`, per platform),
// the fixtures of our rules carry only what the rule can produce, and the ARM form is the YAML form.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { z } from 'zod';
import { catalogue } from '../../playbooks/catalogue.js';
import { normaliseIncident } from '../../src/incident/normalise.js';
import { parseYaml } from './yaml.js';
import { armPath, armText, loadRules, platformOf, type RuleTemplate } from './ruleTemplates.js';

const rules = loadRules();
const ruleGuid = (id: string): string => id.split('/').pop()!.toLowerCase();

/** What a playbook module declares it reads: platform → custom details and entity kinds. */
const readsSchema = z.record(z.string(), z.object({ customDetails: z.array(z.string()), entityKinds: z.array(z.string()) }));

async function declaredReads(playbookName: string): Promise<z.infer<typeof readsSchema> | undefined> {
  const module = (await import(`../../playbooks/${playbookName}.js`)) as { reads?: unknown };
  return module.reads === undefined ? undefined : readsSchema.parse(module.reads);
}

function consumers(rule: RuleTemplate) {
  return catalogue.filter(
    (p) =>
      (p.trigger.analyticRuleIds ?? []).some((id) => ruleGuid(id) === rule.id.toLowerCase()) ||
      (p.trigger.analyticRuleNames ?? []).some((name) => name.toLowerCase() === rule.name.toLowerCase()),
  );
}

/** Entity kinds as incidents name them (IP → Ip, URL → Url). */
function entityKind(entityType: string): string {
  return entityType.length <= 3 ? entityType[0] + entityType.slice(1).toLowerCase() : entityType;
}

test('there is a rule per scenario and platform, with unique ids and names', () => {
  assert.deepEqual(
    rules.map((r) => r.file),
    [
      'branch-policy-disabled-azdo.yaml',
      'branch-policy-disabled-github.yaml',
      'extension-installed-azdo.yaml',
      'new-country-activity-azdo.yaml',
      'new-country-activity-github.yaml',
      'repository-deleted-azdo.yaml',
      'repository-deleted-github.yaml',
      'secret-committed-azdo.yaml',
      'secret-committed-github.yaml',
    ],
  );
  assert.equal(new Set(rules.map((r) => r.rule.id)).size, rules.length);
  assert.equal(new Set(rules.map((r) => r.rule.name)).size, rules.length);
  for (const { file, rule } of rules) {
    const platform = platformOf(rule);
    assert.equal(platform, file.endsWith('-github.yaml') ? 'GitHub' : 'AzureDevOps', `${file}: the query sets Platform for its platform`);
    assert.match(rule.query, platform === 'GitHub' ? /\bGitHub(AuditData|SecretScanningData|AuditLog\w*_CL)\b/ : /\b(ADOAuditLogs|AzureDevOpsAuditing|SecurityNestedRecommendation)\b/, file);
  }
});

test('every mapped column is one the query produces', () => {
  for (const { file, rule } of rules) {
    const columns = [...Object.values(rule.customDetails), ...rule.entityMappings.flatMap((m) => m.fieldMappings.map((f) => f.columnName))];
    const projected = /\|\s*project\s+([^|]+)$/.exec(rule.query.trim())?.[1];
    assert.ok(projected, `${file}: the query ends with a project of its output columns`);
    const output = new Set(projected.split(',').map((c) => c.trim()));
    for (const column of columns) assert.ok(output.has(column), `${file}: column ${column} is not in the final project (${[...output].join(', ')})`);
  }
});

test("each rule is in its playbook's trigger and maps every custom detail and entity kind the playbook reads on its platform", async (t) => {
  for (const { file, rule } of rules) {
    const found = consumers(rule);
    assert.ok(found.length > 0, `${file} (${rule.id}) is in no playbook's trigger`);
    const platform = platformOf(rule)!;
    for (const playbook of found) {
      const reads = await declaredReads(playbook.name);
      if (!reads) {
        t.diagnostic(`${playbook.name} declares no 'reads': only its trigger was checked against ${file}`);
        continue;
      }
      const wanted = reads[platform];
      assert.ok(wanted, `${playbook.name} declares nothing it reads on ${platform}, but its trigger lists ${file}`);
      const details = Object.keys(rule.customDetails);
      for (const detail of wanted.customDetails) assert.ok(details.includes(detail), `${file} does not supply custom detail ${detail} that ${playbook.name} reads`);
      const kinds = rule.entityMappings.map((m) => entityKind(m.entityType));
      for (const kind of wanted.entityKinds) assert.ok(kinds.includes(kind), `${file} maps no ${kind} entity, which ${playbook.name} reads`);
    }
  }
});

test('every rule of ours that a playbook lists has a template', () => {
  const ours = new Set(rules.map((r) => r.rule.id.toLowerCase()));
  for (const playbook of catalogue) {
    for (const id of playbook.trigger.analyticRuleIds ?? []) {
      const guid = ruleGuid(id);
      if (guid.startsWith('5ca1ab1e-')) assert.ok(ours.has(guid), `${playbook.name} lists rule ${guid}, which deploy/rules does not define`);
    }
  }
});

test('fixture incidents of our rules carry only custom details the rule produces', () => {
  const dir = fileURLToPath(new URL('../../../test/fixtures/incidents/', import.meta.url));
  let checked = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const incident = normaliseIncident(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
    for (const guid of incident.analyticRuleGuids) {
      const rule = rules.find((r) => r.rule.id.toLowerCase() === guid.toLowerCase())?.rule;
      if (!rule) continue; // a shipped rule: its incidents are whatever Sentinel makes of it
      checked++;
      const produced = Object.keys(rule.customDetails);
      for (const alert of incident.alerts) {
        for (const key of Object.keys(alert.customDetails)) assert.ok(produced.includes(key), `${file}: custom detail ${key} is not produced by ${rule.name}`);
      }
    }
  }
  assert.ok(checked >= 5, `only ${checked} fixtures come from our rules`);
});

/** A Scheduled alert rule resource as the ARM form holds it (the fields checked here). */
interface ArmRule {
  type: string;
  kind: string;
  name: string;
  properties: { displayName: string; query: string; customDetails: unknown; entityMappings: unknown; queryFrequency: string };
}

test('the ARM template deploys exactly the YAML rules as Scheduled alertRules', () => {
  const text = readFileSync(armPath, 'utf8');
  assert.equal(text, armText(rules.map((r) => r.rule)), 'deploy/rules/azuredeploy.json is stale: run node dist/test/rules/writeArm.js');
  const arm = JSON.parse(text) as { parameters: Record<string, unknown>; resources: ArmRule[] };
  assert.deepEqual(Object.keys(arm.parameters), ['workspaceName', 'enabled']);
  assert.equal(arm.resources.length, rules.length);
  for (const [i, { rule }] of rules.entries()) {
    const resource = arm.resources[i]!;
    assert.equal(resource.type, 'Microsoft.SecurityInsights/alertRules');
    assert.equal(resource.kind, 'Scheduled');
    assert.equal(resource.name, rule.id);
    assert.equal(resource.properties.displayName, rule.name);
    assert.equal(resource.properties.query, rule.query);
    assert.deepEqual(resource.properties.customDetails, rule.customDetails);
    assert.deepEqual(resource.properties.entityMappings, rule.entityMappings);
    assert.match(resource.properties.queryFrequency, /^PT?\d+[MHD]$/);
  }
});

test('the YAML subset parser reads what the templates use and refuses what it does not support', () => {
  assert.deepEqual(
    parseYaml(
      [
        'id: 1',
        'list:',
        '  - a',
        "  - 'it''s'",
        'empty: []',
        'maps:',
        '- entityType: Account',
        '  fieldMappings:',
        '    - identifier: FullName',
        '      columnName: ActorUpn',
        '# a comment',
        'query: |',
        '  T',
        '  | where x == "a: b"',
        '',
        'flag: true',
        'quoted: "x: y"',
      ].join('\n'),
    ),
    {
      id: 1,
      list: ['a', "it's"],
      empty: [],
      maps: [{ entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'ActorUpn' }] }],
      query: 'T\n| where x == "a: b"\n',
      flag: true,
      quoted: 'x: y',
    },
  );
  assert.throws(() => parseYaml('a: {b: 1}'), /line 1: '\{b: 1\}' is outside the supported subset/);
  assert.throws(() => parseYaml('a: x # note'), /line 1: .* outside the supported subset/);
  assert.throws(() => parseYaml('a: 1\na: 2'), /line 2: duplicate key 'a'/);
  assert.throws(() => parseYaml('a:\n  b: 1\n c: 2'), /line 3: unexpected indentation/);
});
