// The analytic-rule templates in deploy/rules: each YAML file (the form Sentinel's repositories and content
// import) read and checked against the rule schema, and the ARM template (deploy/rules/azuredeploy.json) that
// deploys all of them, built from the YAML so that the two forms cannot drift (rules.test.ts compares them).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseYaml } from './yaml.js';

export const rulesDir = fileURLToPath(new URL('../../../deploy/rules/', import.meta.url));
export const armPath = path.join(rulesDir, 'azuredeploy.json');

const duration = z.string().regex(/^\d+[mhd]$/, "must be a duration like '15m', '1h' or '14d'");
const column = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a column name');

const ruleSchema = z.strictObject({
  id: z.guid(),
  name: z.string().min(1).max(256),
  description: z.string().min(1),
  severity: z.enum(['High', 'Medium', 'Low', 'Informational']),
  requiredDataConnectors: z.array(z.unknown()),
  queryFrequency: duration,
  queryPeriod: duration,
  triggerOperator: z.enum(['gt', 'lt', 'eq', 'ne']),
  triggerThreshold: z.number().int().min(0),
  tactics: z.array(z.string().regex(/^[A-Za-z]+$/)).min(1),
  relevantTechniques: z.array(z.string().regex(/^T\d{4}(\.\d{3})?$/)).min(1),
  query: z.string().min(1),
  entityMappings: z
    .array(
      z.strictObject({
        entityType: z.enum(['Account', 'IP', 'URL', 'Host', 'CloudApplication', 'File', 'FileHash']),
        fieldMappings: z.array(z.strictObject({ identifier: z.string().min(1), columnName: column })).min(1).max(3),
      }),
    )
    .min(1)
    .max(10),
  customDetails: z.record(column, column),
  eventGroupingSettings: z.strictObject({ aggregationKind: z.enum(['SingleAlert', 'AlertPerResult']) }),
  alertDetailsOverride: z.strictObject({ alertDisplayNameFormat: z.string().min(1), alertDescriptionFormat: z.string().min(1) }),
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  kind: z.literal('Scheduled'),
});
export type RuleTemplate = z.infer<typeof ruleSchema>;

export interface LoadedRule {
  file: string;
  rule: RuleTemplate;
}

/** Every deploy/rules/*.yaml, parsed and validated (a problem names the file and the field). */
export function loadRules(): LoadedRule[] {
  return readdirSync(rulesDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const parsed = ruleSchema.safeParse(parseYaml(readFileSync(path.join(rulesDir, file), 'utf8')));
      if (!parsed.success) {
        throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
      }
      return { file, rule: parsed.data };
    });
}

/** The platform a rule reports: the constant its query gives the Platform column. */
export function platformOf(rule: RuleTemplate): string | undefined {
  return /\bPlatform = "([A-Za-z]+)"/.exec(rule.query)?.[1];
}

const OPERATORS = { gt: 'GreaterThan', lt: 'LessThan', eq: 'Equal', ne: 'NotEqual' } as const;

/** '15m' → 'PT15M', '1h' → 'PT1H', '14d' → 'P14D'. */
function isoDuration(value: string): string {
  const amount = value.slice(0, -1);
  const unit = value.slice(-1);
  return unit === 'd' ? `P${amount}D` : `PT${amount}${unit.toUpperCase()}`;
}

/** The ARM template that deploys every rule as a Scheduled Microsoft.SecurityInsights/alertRules resource. */
export function armTemplate(rules: readonly RuleTemplate[]): Record<string, unknown> {
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    metadata: {
      description:
        'The analytic rules that feed the SOAR playbooks, one Scheduled rule per scenario and platform. Generated from ' +
        'deploy/rules/*.yaml by `node dist/test/rules/writeArm.js`; do not edit by hand.',
    },
    parameters: {
      workspaceName: { type: 'string', metadata: { description: 'The Log Analytics workspace Microsoft Sentinel runs on.' } },
      enabled: { type: 'bool', defaultValue: true, metadata: { description: 'Create the rules enabled.' } },
    },
    resources: rules.map((rule) => ({
      type: 'Microsoft.SecurityInsights/alertRules',
      apiVersion: '2025-09-01',
      scope: "[format('Microsoft.OperationalInsights/workspaces/{0}', parameters('workspaceName'))]",
      name: rule.id,
      kind: 'Scheduled',
      properties: {
        displayName: rule.name,
        description: rule.description.trim(),
        severity: rule.severity,
        enabled: "[parameters('enabled')]",
        query: rule.query,
        queryFrequency: isoDuration(rule.queryFrequency),
        queryPeriod: isoDuration(rule.queryPeriod),
        triggerOperator: OPERATORS[rule.triggerOperator],
        triggerThreshold: rule.triggerThreshold,
        suppressionDuration: 'PT5H',
        suppressionEnabled: false,
        tactics: rule.tactics,
        techniques: rule.relevantTechniques,
        entityMappings: rule.entityMappings,
        customDetails: rule.customDetails,
        eventGroupingSettings: rule.eventGroupingSettings,
        alertDetailsOverride: rule.alertDetailsOverride,
        incidentConfiguration: {
          createIncident: true,
          groupingConfiguration: {
            enabled: false,
            reopenClosedIncident: false,
            lookbackDuration: 'PT5H',
            matchingMethod: 'AllEntities',
            groupByEntities: [],
            groupByAlertDetails: [],
            groupByCustomDetails: [],
          },
        },
      },
    })),
  };
}

/** The ARM template as written to deploy/rules/azuredeploy.json. */
export function armText(rules: readonly RuleTemplate[]): string {
  return JSON.stringify(armTemplate(rules), null, 2) + '\n';
}
