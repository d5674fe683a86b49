// ARM deployment templates (deploy/azuredeploy.json, deploy/relay/azuredeploy.json) as the tests read them:
// the template skeleton, and the relay's three resources, which both templates carry.
import { readFileSync } from 'node:fs';

const repoRoot = new URL('../../../', import.meta.url);

export interface ArmParameter {
  type: string;
  defaultValue?: unknown;
  allowedValues?: unknown[];
  metadata?: { description?: string };
}

/** A resource of a template; its `properties` are known once its `type` is (see the resource interfaces). */
export interface ArmResource<Properties = unknown> {
  type: string;
  apiVersion: string;
  name: string;
  condition?: string;
  dependsOn?: string[];
  properties: Properties;
}

export interface ArmTemplate<Variables = Record<string, unknown>> {
  $schema: string;
  contentVersion: string;
  parameters: Record<string, ArmParameter>;
  variables: Variables;
  resources: ArmResource[];
  outputs?: Record<string, { type: string; value: unknown }>;
}

/** The Sentinel API connection of the relay. */
export type ApiConnection = ArmResource<{ displayName: string; parameterValueType: string; api: { id: string } }>;

export interface HttpAction {
  type: 'Http';
  runAfter: Record<string, string[]>;
  inputs: { method: string; uri: string; headers: Record<string, string>; body: unknown };
  operationOptions: string;
  runtimeConfiguration: { secureData: { properties: string[] } };
}

export interface LogicAppWorkflowProperties {
  definition: {
    parameters: Record<string, { type: string; defaultValue?: unknown }>;
    triggers: Record<string, { type: string; inputs: { path: string } }>;
    /** Actions by name; `type` says which kind (e.g. HttpAction). */
    actions: Record<string, { type: string }>;
  };
  parameters: {
    [name: string]: { value: unknown } | undefined;
    $connections: { value: Record<string, { id: string; connectionId: string; connectionName: string; connectionProperties?: unknown }> };
    functionAppUrl: { value: string };
    functionKey: { value: string };
  };
}

/** The relay Logic App. */
export interface LogicAppWorkflow extends ArmResource<LogicAppWorkflowProperties> {
  identity: { type: string };
  dependsOn: string[];
}

/** The Sentinel automation rule that runs the relay. */
export interface AutomationRule
  extends ArmResource<{
    displayName: string;
    triggeringLogic: { isEnabled: boolean; triggersOn: string; triggersWhen: string };
    actions: unknown[];
  }> {
  dependsOn: string[];
}

/** The relay's resources by type. */
export interface RelayResources {
  'Microsoft.Web/connections': ApiConnection;
  'Microsoft.Logic/workflows': LogicAppWorkflow;
  'Microsoft.OperationalInsights/workspaces/providers/automationRules': AutomationRule;
}

/** A template of the repository, by its path from the repository root. */
export function readArmTemplate<Variables = Record<string, unknown>>(rel: string): ArmTemplate<Variables> {
  return JSON.parse(readFileSync(new URL(rel, repoRoot), 'utf8')) as ArmTemplate<Variables>;
}
