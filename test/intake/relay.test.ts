// Static checks of the relay ARM template (deploy/relay/azuredeploy.json): the form Sentinel users deploy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readArmTemplate, type ApiConnection, type AutomationRule, type HttpAction, type LogicAppWorkflow } from '../deploy/armTemplate.js';

const template = readArmTemplate('deploy/relay/azuredeploy.json');
const workflow = template.resources.find((r): r is LogicAppWorkflow => r.type === 'Microsoft.Logic/workflows')!;
const definition = workflow.properties.definition;
const forward = Object.values(definition.actions).find((a): a is HttpAction => a.type === 'Http')!;

/** Every string in a JSON tree. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** Names referenced as fn('name') in ARM expressions ("[...]", not the "[[" escape) or in Logic Apps expressions ("@..."). */
function references(value: unknown, fn: 'parameters' | 'variables', kind: 'arm' | 'logic'): Set<string> {
  const names = new Set<string>();
  for (const s of strings(value)) {
    const isArm = s.startsWith('[') && !s.startsWith('[[');
    const isLogic = s.includes('@');
    if ((kind === 'arm' && !isArm) || (kind === 'logic' && (isArm || !isLogic))) continue;
    for (const m of s.matchAll(new RegExp(`\\b${fn}\\('([^']+)'\\)`, 'g'))) names.add(m[1]!);
  }
  return names;
}

test('the template is an ARM deployment template', () => {
  assert.equal(template.$schema, 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#');
  assert.equal(template.contentVersion, '1.0.0.0');
  assert.deepEqual(
    template.resources.map((r) => r.type),
    ['Microsoft.Web/connections', 'Microsoft.Logic/workflows', 'Microsoft.OperationalInsights/workspaces/providers/automationRules'],
  );
});

test('every ARM parameter and variable used is declared, and every declared one is used', () => {
  const { parameters, variables, ...rest } = template;
  const usedParameters = references([rest, variables], 'parameters', 'arm');
  assert.deepEqual([...usedParameters].sort(), Object.keys(parameters).sort());
  const usedVariables = references(rest, 'variables', 'arm');
  assert.deepEqual([...usedVariables].sort(), Object.keys(variables).sort());
});

test('every Logic Apps parameter the workflow uses is declared in its definition and given a value', () => {
  const used = references({ triggers: definition.triggers, actions: definition.actions }, 'parameters', 'logic');
  assert.deepEqual([...used].sort(), ['$connections', 'functionAppUrl', 'functionKey']);
  for (const name of used) {
    assert.ok(definition.parameters[name], `definition declares ${name}`);
    assert.ok(workflow.properties.parameters[name], `workflow supplies ${name}`);
  }
});

test('the relay POSTs the whole trigger body to /api/incidents, fire-and-forget', () => {
  const trigger = definition.triggers.Microsoft_Sentinel_incident;
  assert.equal(trigger.type, 'ApiConnectionWebhook');
  assert.equal(trigger.inputs.path, '/incident-creation');
  assert.equal(forward.inputs.method, 'POST');
  assert.equal(forward.inputs.uri, "@{parameters('functionAppUrl')}/api/incidents");
  assert.equal(forward.inputs.body, '@triggerBody()');
  assert.equal(forward.inputs.headers['Content-Type'], 'application/json');
  assert.equal(forward.operationOptions, 'DisableAsyncPattern');
  assert.deepEqual(forward.runAfter, {});
  assert.equal(Object.keys(definition.actions).length, 1, 'the relay does nothing else');
});

test('the function key is a secure parameter, sent as x-functions-key, hidden from run history, never an output', () => {
  assert.equal(template.parameters.functionKey.type, 'securestring');
  assert.equal(template.parameters.functionKey.defaultValue, undefined);
  assert.equal(definition.parameters.functionKey.type, 'SecureString');
  assert.equal(workflow.properties.parameters.functionKey.value, "[parameters('functionKey')]");
  assert.equal(forward.inputs.headers['x-functions-key'], "@parameters('functionKey')");
  assert.deepEqual(forward.runtimeConfiguration.secureData.properties, ['inputs']);
  // Only the workflow's parameter value may mention it: not the definition text, not any output.
  const mentions = strings(template).filter((s) => s.includes("parameters('functionKey')"));
  assert.deepEqual(mentions, ["@parameters('functionKey')", "[parameters('functionKey')]"]);
  assert.equal(JSON.stringify(template.outputs).includes('functionKey'), false);
  assert.equal(strings(template.outputs).some((s) => /listKeys|listSecrets|functionKey/i.test(s)), false);
});

test('the Sentinel connection authenticates with the Logic App managed identity', () => {
  const connection = template.resources.find((r): r is ApiConnection => r.type === 'Microsoft.Web/connections')!;
  assert.equal(connection.properties.parameterValueType, 'Alternative');
  assert.equal(workflow.identity.type, 'SystemAssigned');
  const wired = workflow.properties.parameters.$connections.value.azuresentinel;
  assert.deepEqual(wired.connectionProperties, { authentication: { type: 'ManagedServiceIdentity' } });
  assert.equal(wired.id, "[variables('sentinelApiId')]");
  assert.equal(template.variables.sentinelApiId, "[subscriptionResourceId('Microsoft.Web/locations/managedApis', parameters('location'), 'azuresentinel')]");
});

test('the automation rule runs the relay when an incident is created', () => {
  const rule = template.resources.find((r): r is AutomationRule => r.type.endsWith('/automationRules'))!;
  assert.match(rule.name, /^\[concat\(parameters\('workspaceName'\), '\/Microsoft\.SecurityInsights\/', parameters\('automationRuleId'\)\)\]$/);
  assert.equal(rule.properties.triggeringLogic.triggersOn, 'Incidents');
  assert.equal(rule.properties.triggeringLogic.triggersWhen, 'Created');
  assert.equal(rule.properties.triggeringLogic.isEnabled, true);
  assert.deepEqual(rule.properties.actions, [
    {
      order: 1,
      actionType: 'RunPlaybook',
      actionConfiguration: {
        logicAppResourceId: "[resourceId('Microsoft.Logic/workflows', parameters('playbookName'))]",
        tenantId: '[subscription().tenantId]',
      },
    },
  ]);
  assert.deepEqual(rule.dependsOn, ["[resourceId('Microsoft.Logic/workflows', parameters('playbookName'))]"]);
});
