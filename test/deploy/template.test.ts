// The whole-solution ARM template against the project: the settings the app reads, the permissions its
// actions declare, secrets, the supported plan and Node version, and the relay it embeds.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { allActions } from '../../src/actions/index.js';
import { readSample, repoRoot, settingsReadByApp, settingsReadByHostJson } from '../project/appSettings.js';
import { readArmTemplate, type ArmResource, type ArmTemplate, type RelayResources } from './armTemplate.js';

/** The solution's variables: `roles` maps a short name to a built-in role definition id expression. */
interface SolutionVariables {
  [name: string]: unknown;
  roles: Record<string, string>;
}

interface FunctionApp
  extends ArmResource<{
    serverFarmId: string;
    httpsOnly: boolean;
    keyVaultReferenceIdentity: string;
    siteConfig: { appSettings: { name: string; value: string }[] };
    functionAppConfig: {
      runtime: { name: string; version: string };
      scaleAndConcurrency: { maximumInstanceCount: number; instanceMemoryMB: number };
      deployment: { storage: { type: string; authentication: { type: string; userAssignedIdentityResourceId: string } } };
    };
  }> {
  kind: string;
  identity: { type: string; userAssignedIdentities: Record<string, object> };
  dependsOn: string[];
}

interface RoleAssignment extends ArmResource<{ roleDefinitionId: string; principalId: string; principalType: string; description: string }> {
  scope: string;
}

/** The solution's resources by type, as far as the tests read them; any other type is a plain ArmResource. */
interface SolutionResources extends RelayResources {
  'Microsoft.Web/sites': FunctionApp;
  'Microsoft.Web/serverfarms': ArmResource<{ reserved: boolean }> & { sku: { name: string; tier: string } };
  'Microsoft.KeyVault/vaults': ArmResource<{ enableRbacAuthorization: boolean }>;
  'Microsoft.KeyVault/vaults/secrets': ArmResource<{ value: string }>;
  'Microsoft.Storage/storageAccounts': ArmResource<{ allowSharedKeyAccess: boolean }>;
  'Microsoft.Insights/components': ArmResource<{ DisableLocalAuth: boolean }>;
  'Microsoft.Authorization/roleAssignments': RoleAssignment;
  'Microsoft.Communication/emailServices/domains': ArmResource<{ domainManagement: string }>;
  'Microsoft.Communication/communicationServices': ArmResource<{ linkedDomains: string[] }>;
}
type ResourceOf<T extends string> = T extends keyof SolutionResources ? SolutionResources[T] : ArmResource;

/** The whole solution; deploy/relay/azuredeploy.json is the relay alone (for an app deployed some other way). */
const TEMPLATE_PATH = 'deploy/azuredeploy.json';
const template = readArmTemplate<SolutionVariables>(TEMPLATE_PATH);
const relayTemplate = readArmTemplate('deploy/relay/azuredeploy.json');
const deployReadme = readFileSync(path.join(repoRoot, 'deploy/README.md'), 'utf8');

const resources = template.resources;
const ofType = <T extends string>(type: T): ResourceOf<T>[] => resources.filter((r): r is ResourceOf<T> => r.type === type);
const one = <T extends string>(type: T): ResourceOf<T> => {
  const found = ofType(type);
  assert.equal(found.length, 1, `one ${type}`);
  return found[0]!;
};
const site = one('Microsoft.Web/sites');
const appSettings = new Map<string, string>(site.properties.siteConfig.appSettings.map((s) => [s.name, s.value]));

/** Built-in role definition ids (the same in every tenant). */
const ROLE_IDS: Record<string, string> = {
  'Microsoft Sentinel Reader': '8d289c81-5878-46d4-8554-54e1e3d8b5cb',
  'Microsoft Sentinel Responder': '3e150937-b8fe-4cfb-8069-0eaf05ecd056',
  'Communication and Email Service Owner': '09976791-48a7-449e-bb21-39d1a415f350',
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb',
  'Durable Task Data Contributor': '0ad04412-c4d5-4796-b79c-f76d14c8d402',
};
/** Roles whose actions include another role's (Responder = Reader + incident writes). */
const INCLUDES: Record<string, string[]> = { 'Microsoft Sentinel Responder': ['Microsoft Sentinel Reader'] };

/** Sample settings that are not Function App settings in Azure, and why. */
const NOT_IN_AZURE: Record<string, string> = {
  FUNCTIONS_WORKER_RUNTIME: 'Flex Consumption rejects it: functionAppConfig.runtime names the runtime',
  AzureWebJobsStorage: 'set in its identity-based form (AzureWebJobsStorage__accountName, __credential, __clientId)',
  SOAR_FUNCTION_KEY: 'local host only: Azure keeps the host keys',
  SOAR_MASTER_KEY: 'local host only: Azure keeps the host keys',
  IDENTITY_ENDPOINT: 'injected by the Functions platform',
  IDENTITY_HEADER: 'injected by the Functions platform',
  SOAR_EXTRA_CA_FILE: "trusts the local sandbox's CA; Azure endpoints use public CAs",
};
const IDENTITY_STORAGE = ['AzureWebJobsStorage__accountName', 'AzureWebJobsStorage__clientId', 'AzureWebJobsStorage__credential'];
/** App settings Flex Consumption does not accept. */
const FLEX_REJECTED = ['FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION', 'FUNCTIONS_WORKER_RUNTIME_VERSION', 'WEBSITE_NODE_DEFAULT_VERSION', 'WEBSITE_RUN_FROM_PACKAGE', 'WEBSITE_CONTENTSHARE', 'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING'];
const SECRET_SETTINGS: Record<string, string> = { APPROVAL_SIGNING_KEY: 'approval-signing-key', GITHUB_APP_PRIVATE_KEY: 'github-app-private-key', GITHUB_TOKEN: 'github-token' };

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

/** Names referenced as fn('name') in ARM expressions ("[...]", not the "[[" escape); Logic Apps "@..." text is another language. */
function armReferences(value: unknown, fn: 'parameters' | 'variables'): Set<string> {
  const names = new Set<string>();
  for (const s of strings(value)) {
    if (!s.startsWith('[') || s.startsWith('[[')) continue;
    for (const m of s.matchAll(new RegExp(`\\b${fn}\\('([^']+)'\\)`, 'g'))) names.add(m[1]!);
  }
  return names;
}

test('the template is an ARM template whose every parameter and variable is declared and used', () => {
  assert.equal(template.$schema, 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#');
  assert.equal(template.contentVersion, '1.0.0.0');
  const { parameters, variables, ...rest } = template;
  assert.deepEqual([...armReferences([rest, variables], 'parameters')].sort(), Object.keys(parameters).sort());
  assert.deepEqual([...armReferences([rest, variables], 'variables')].sort(), Object.keys(variables).sort());
  const usedRoles = new Set(strings(template).flatMap((s) => [...s.matchAll(/variables\('roles'\)\.(\w+)/g)].map((m) => m[1]!)));
  assert.deepEqual([...usedRoles].sort(), Object.keys(variables.roles).sort());
  for (const p of Object.values(parameters)) assert.ok(p.metadata?.description, 'every parameter is described');
});

test('a Flex Consumption Function App on Node 22 with a user-assigned managed identity', () => {
  const plan = one('Microsoft.Web/serverfarms');
  assert.deepEqual(plan.sku, { name: 'FC1', tier: 'FlexConsumption' });
  assert.equal(plan.properties.reserved, true);
  assert.equal(site.kind, 'functionapp,linux');
  assert.equal(site.properties.serverFarmId, "[resourceId('Microsoft.Web/serverfarms', variables('planName'))]");
  const config = site.properties.functionAppConfig;
  assert.deepEqual(config.runtime, { name: 'node', version: '22' });
  assert.ok(config.scaleAndConcurrency.maximumInstanceCount && config.scaleAndConcurrency.instanceMemoryMB);
  assert.equal(config.deployment.storage.type, 'blobContainer');
  assert.deepEqual(config.deployment.storage.authentication, { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: "[variables('identityId')]" });
  assert.deepEqual(site.identity, { type: 'UserAssigned', userAssignedIdentities: { "[variables('identityId')]": {} } });
  assert.equal(site.properties.keyVaultReferenceIdentity, "[variables('identityId')]");
  assert.equal(site.properties.httpsOnly, true);
  for (const name of FLEX_REJECTED) assert.ok(!appSettings.has(name), `${name} is not set on Flex Consumption`);
  // The project itself targets the same runtime.
  const packageJson = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } };
  assert.equal(packageJson.engines.node, '>=22');
});

test('app settings match local.settings.sample.json one for one', () => {
  const sampleNames = Object.keys(readSample().Values);
  const expected = [...sampleNames.filter((name) => !(name in NOT_IN_AZURE)), ...IDENTITY_STORAGE].sort();
  assert.deepEqual([...appSettings.keys()].sort(), expected);
  assert.equal(appSettings.get('AzureWebJobsStorage__credential'), 'managedidentity');
  for (const name of Object.keys(NOT_IN_AZURE)) assert.ok(sampleNames.includes(name), `${name} (an exception) is still in the sample`);
});

test('every setting the app and host.json read is set, or given by the platform', () => {
  const unset = [...settingsReadByApp().keys(), ...settingsReadByHostJson()].filter((name) => !appSettings.has(name) && !(name in NOT_IN_AZURE));
  assert.deepEqual(unset, []);
});

test('no secret is a plain parameter, a plain app setting or an output', () => {
  const parameters = template.parameters;
  const secure = Object.entries(parameters).filter(([, p]) => p.type === 'securestring' || p.type === 'secureObject').map(([name]) => name);
  for (const [name, p] of Object.entries(parameters)) {
    if (/key|secret|token|password|connection/i.test(name) && !/Id$/.test(name)) assert.equal(p.type, 'securestring', `${name} is a securestring`);
  }
  assert.deepEqual(secure.sort(), ['approvalSigningKey', 'githubAppPrivateKey', 'githubToken']);

  // A secure parameter's value goes only into its Key Vault secret; elsewhere only its emptiness is tested.
  const secrets = ofType('Microsoft.KeyVault/vaults/secrets');
  for (const name of secure) {
    const ref = `parameters('${name}')`;
    const holders = secrets.filter((s) => s.properties.value === `[${ref}]`);
    assert.equal(holders.length, 1, `${name} is stored in exactly one Key Vault secret`);
    const elsewhere = strings(resources.filter((r) => r !== holders[0])).filter((s) => s.includes(ref));
    for (const s of elsewhere) assert.equal(s.split(ref).length - 1, s.split(`empty(${ref})`).length - 1, `only empty(${ref}) outside its secret: ${s}`);
  }

  // Secret app settings are Key Vault references to secrets the template creates.
  const secretNames = secrets.map((s) => /'\/([a-z-]+)'\)\]$/.exec(s.name)?.[1]);
  for (const [setting, secret] of Object.entries(SECRET_SETTINGS)) {
    const value = appSettings.get(setting)!;
    assert.ok(value.includes(`'@Microsoft.KeyVault(VaultName=', variables('keyVaultName'), ';SecretName=${secret})'`), `${setting} is a Key Vault reference`);
    assert.ok(secretNames.includes(secret), `the secret ${secret} exists`);
    assert.ok(site.dependsOn.includes(`[resourceId('Microsoft.KeyVault/vaults/secrets', variables('keyVaultName'), '${secret}')]`), `the app waits for ${secret}`);
  }
  assert.equal(appSettings.get('ACS_CONNECTION_STRING'), '', 'e-mail uses the managed identity, not an access key');
  const vault = one('Microsoft.KeyVault/vaults');
  assert.equal(vault.properties.enableRbacAuthorization, true);

  // No keys anywhere but the relay's function key (a SecureString workflow parameter).
  const listCalls = strings(resources).filter((s) => /\blist(Keys|Secrets|ConnectionStrings)\(/i.test(s));
  const workflow = one('Microsoft.Logic/workflows');
  assert.deepEqual(listCalls, [workflow.properties.parameters.functionKey.value]);
  assert.equal(workflow.properties.definition.parameters.functionKey.type, 'SecureString');
  for (const s of strings(template.outputs)) {
    assert.doesNotMatch(s, /listKeys|listSecrets|ConnectionString|@Microsoft\.KeyVault|functionKey/i, s);
    for (const name of secure) assert.ok(!s.includes(`parameters('${name}')`), `no output mentions ${name}`);
  }
  assert.equal(one('Microsoft.Storage/storageAccounts').properties.allowSharedKeyAccess, false, 'storage is reached with the identity only');
  assert.equal(one('Microsoft.Insights/components').properties.DisableLocalAuth, true);
});

const roleAssignments = ofType('Microsoft.Authorization/roleAssignments');
const roleNameOf = (assignment: RoleAssignment): string => {
  const key = /^\[variables\('roles'\)\.(\w+)\]$/.exec(assignment.properties.roleDefinitionId)![1]!;
  const guid = /'([0-9a-f-]{36})'\)\]$/.exec(template.variables.roles[key])![1]!;
  const name = Object.keys(ROLE_IDS).find((n) => ROLE_IDS[n] === guid);
  assert.ok(name, `role ${guid} is a known built-in role`);
  return name;
};

test('role assignments: built-in roles for the app identity, each scoped to one resource', () => {
  const granted = roleAssignments.map(roleNameOf);
  assert.deepEqual(granted.sort(), [
    'Communication and Email Service Owner',
    'Durable Task Data Contributor',
    'Key Vault Secrets User',
    'Microsoft Sentinel Responder',
    'Monitoring Metrics Publisher',
    'Storage Blob Data Owner',
    'Storage Queue Data Contributor',
    'Storage Table Data Contributor',
  ]);
  for (const assignment of roleAssignments) {
    assert.equal(assignment.properties.principalId, "[reference(variables('identityId'), '2023-01-31').principalId]");
    assert.equal(assignment.properties.principalType, 'ServicePrincipal');
    assert.match(assignment.scope, /^\[concat\('Microsoft\.[A-Za-z]+\/[A-Za-z]+\/'/, 'scoped to one resource, not the resource group');
    assert.ok(assignment.properties.description, 'says why');
  }
  const sentinel = roleAssignments.find((a) => roleNameOf(a) === 'Microsoft Sentinel Responder')!;
  assert.equal(sentinel.scope, "[concat('Microsoft.OperationalInsights/workspaces/', parameters('workspaceName'))]");
});

test('every permission an action declares is granted by a role assignment or documented in deploy/README.md', () => {
  const granted = new Set(roleAssignments.map(roleNameOf).flatMap((name) => [name, ...(INCLUDES[name] ?? [])]));
  const problems: string[] = [];
  for (const action of allActions) {
    for (const p of action.permissions) {
      if (p.grantedBy === 'arm') {
        if (p.kind !== 'azureRole') problems.push(`${action.name}: ${p.kind} '${p.name}' cannot be granted by ARM`);
        else if (!granted.has(p.name)) problems.push(`${action.name}: the template grants no '${p.name}'`);
      } else if (!deployReadme.includes(`\`${p.name}\``)) {
        problems.push(`${action.name}: deploy/README.md does not document ${p.api} ${p.kind} \`${p.name}\``);
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(allActions.length > 0 && allActions.some((a) => a.permissions.some((p) => p.grantedBy === 'manual')));
});

test('the relay is the relay template, wired to this Function App with its own key', () => {
  const relayOf = <T extends keyof RelayResources>(t: ArmTemplate<unknown>, type: T): RelayResources[T] =>
    t.resources.find((r): r is RelayResources[T] => r.type === type)!;
  const workflow = relayOf(template, 'Microsoft.Logic/workflows');
  const relayWorkflow = relayOf(relayTemplate, 'Microsoft.Logic/workflows');
  assert.deepEqual(workflow.properties.definition, relayWorkflow.properties.definition);
  assert.deepEqual(workflow.properties.parameters.$connections, relayWorkflow.properties.parameters.$connections);
  assert.deepEqual(workflow.identity, relayWorkflow.identity);
  assert.deepEqual(relayOf(template, 'Microsoft.Web/connections'), relayOf(relayTemplate, 'Microsoft.Web/connections'));
  const rule = 'Microsoft.OperationalInsights/workspaces/providers/automationRules';
  assert.deepEqual(relayOf(template, rule), relayOf(relayTemplate, rule));
  assert.equal(workflow.properties.parameters.functionAppUrl.value, "[concat('https://', reference(resourceId('Microsoft.Web/sites', variables('appName')), '2024-04-01').defaultHostName)]");
  assert.equal(workflow.properties.parameters.functionKey.value, "[listKeys(concat(resourceId('Microsoft.Web/sites', variables('appName')), '/host/default'), '2024-04-01').functionKeys.default]");
  assert.ok(workflow.dependsOn.includes("[resourceId('Microsoft.Web/sites', variables('appName'))]"));
  assert.equal(template.parameters.functionKey, undefined, 'no key to paste: the template reads it from the app');
});

test('Durable backend: Azure Storage by default, the Durable Task Scheduler as an option with identity auth', () => {
  const backend = template.parameters.durableBackend;
  assert.deepEqual(backend.allowedValues, ['AzureStorage', 'DurableTaskScheduler']);
  assert.equal(backend.defaultValue, 'AzureStorage');
  for (const type of ['Microsoft.DurableTask/schedulers', 'Microsoft.DurableTask/schedulers/taskHubs']) {
    assert.equal(one(type).condition, "[variables('useScheduler')]", `${type} only with the scheduler`);
  }
  const dts = roleAssignments.find((a) => roleNameOf(a) === 'Durable Task Data Contributor')!;
  assert.equal(dts.condition, "[variables('useScheduler')]");
  const connection = appSettings.get('DURABLE_TASK_SCHEDULER_CONNECTION_STRING')!;
  assert.match(connection, /^\[if\(variables\('useScheduler'\), concat\('Endpoint=', reference\(.*\)\.endpoint, ';Authentication=ManagedIdentity;ClientID=', /);
  assert.equal(appSettings.get('DURABLE_TASK_HUB_NAME'), "[parameters('taskHubName')]");
  assert.match(deployReadme, /"storageProvider"/, 'deploy/README.md shows the host.json switch');
});

test('Communication Services e-mail with a linked Azure-managed domain, used with the managed identity', () => {
  const domain = one('Microsoft.Communication/emailServices/domains');
  assert.equal(domain.properties.domainManagement, 'AzureManaged');
  const acs = one('Microsoft.Communication/communicationServices');
  assert.deepEqual(acs.properties.linkedDomains, ["[resourceId('Microsoft.Communication/emailServices/domains', variables('emailServiceName'), 'AzureManagedDomain')]"]);
  assert.match(appSettings.get('ACS_ENDPOINT')!, /communicationServices.*\.hostName\)\]$/);
  assert.match(appSettings.get('EMAIL_SENDER_ADDRESS')!, /^\[concat\('DoNotReply@', reference\(.*emailServices\/domains.*\)\.mailFromSenderDomain\)\]$/);
  assert.equal(appSettings.get('AZURE_CLIENT_ID'), "[reference(variables('identityId'), '2023-01-31').clientId]");
});
