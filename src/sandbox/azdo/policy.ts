// Branch policy configurations on dev.azure.com (mounted at /azdo/dev): list, get, and PUT, which replaces the
// whole configuration and bumps its revision. A partial body is refused, so only GET-then-PUT clients succeed.

import type { SandboxReply, SandboxRequest } from '../emulator.js';
import { recordAudit } from './audit.js';
import { AzdoHttpError, badRequest, identityRef, isObject, parseJson, projectOf, type AzdoContext, type AzdoRoute } from './http.js';
import type { PolicyConfiguration } from './world.js';

/** Policy types from the REST spec examples: id → display name. */
const POLICY_TYPES: Record<string, string> = {
  'fa4e907d-c16b-4a4c-9dfa-4906e5d171dd': 'Minimum number of reviewers',
  'fd2167ab-b0be-447a-8ec8-39368250530e': 'Required reviewers',
  '0609b952-1397-4640-95ec-e00a01b2c241': 'Build',
  '40e92b44-2fe1-4dd6-b3d8-74a9c21d0c6e': 'Work item linking',
  'c6a1889d-b943-4856-b76f-9e46bb6b0df2': 'Comment requirements',
};
const MINIMUM_REVIEWERS = 'fa4e907d-c16b-4a4c-9dfa-4906e5d171dd';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function policyJson(ctx: AzdoContext, p: PolicyConfiguration): Record<string, unknown> {
  const url = `${ctx.baseUrl}/${ctx.org.name}/${p.projectId}/_apis/policy/configurations/${p.id}`;
  const typeUrl = `${ctx.baseUrl}/${ctx.org.name}/${p.projectId}/_apis/policy/types/${p.typeId}`;
  return {
    createdBy: identityRef(ctx, p.createdById),
    createdDate: p.createdDate,
    isEnabled: p.isEnabled,
    isBlocking: p.isBlocking,
    isDeleted: p.isDeleted,
    settings: p.settings,
    isEnterpriseManaged: false,
    _links: { self: { href: url }, policyType: { href: typeUrl } },
    revision: p.revision,
    id: p.id,
    url,
    type: { id: p.typeId, url: typeUrl, displayName: POLICY_TYPES[p.typeId] ?? 'Policy' },
  };
}

/** GET …/policy/configurations[?scope=<repositoryId>&policyType=<guid>&$top=&continuationToken=]. */
function listPolicies(req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  const project = projectOf(ctx, ctx.params['project']!);
  const policyType = req.query.get('policyType');
  const scope = req.query.get('scope');
  const topText = req.query.get('$top');
  const top = topText === null ? 100 : Number(topText);
  if (!Number.isInteger(top) || top < 1) throw badRequest(`The value '${topText}' is not valid for $top.`);
  const after = Number(req.query.get('continuationToken') ?? 0);
  const matching = ctx.org.policyConfigurations
    .filter((p) => p.projectId === project.id && !p.isDeleted)
    .filter((p) => policyType === null || p.typeId === policyType.toLowerCase())
    .filter((p) => scope === null || JSON.stringify(p.settings['scope'] ?? []).toLowerCase().includes(scope.toLowerCase()))
    .filter((p) => p.id > after)
    .sort((a, b) => a.id - b.id);
  const page = matching.slice(0, top);
  const more = matching.length > top;
  return {
    status: 200,
    headers: more ? { 'x-ms-continuationtoken': String(page[page.length - 1]!.id) } : {},
    json: { count: page.length, value: page.map((p) => policyJson(ctx, p)) },
  };
}

function policyOf(ctx: AzdoContext): PolicyConfiguration {
  const project = projectOf(ctx, ctx.params['project']!);
  const id = ctx.params['configurationId']!;
  const found = ctx.org.policyConfigurations.find((p) => p.projectId === project.id && String(p.id) === id && !p.isDeleted);
  if (found === undefined) {
    throw new AzdoHttpError(
      404,
      'PolicyConfigurationNotFoundException',
      `TF401075: The policy configuration with ID ${id} does not exist.`,
      'Microsoft.TeamFoundation.Policy.Server',
    );
  }
  return found;
}

function getPolicy(_req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  return { status: 200, json: policyJson(ctx, policyOf(ctx)) };
}

/** Every problem with a PUT body, as paths; the server accepts only a whole configuration. */
function policyProblems(body: Record<string, unknown>, existing: PolicyConfiguration): string[] {
  const problems: string[] = [];
  if (typeof body['isEnabled'] !== 'boolean') problems.push('isEnabled');
  if (typeof body['isBlocking'] !== 'boolean') problems.push('isBlocking');
  const type = body['type'];
  if (!isObject(type) || typeof type['id'] !== 'string' || !GUID.test(type['id'])) problems.push('type.id');
  else if (type['id'].toLowerCase() !== existing.typeId) problems.push('type.id (a policy cannot change its type)');
  const settings = body['settings'];
  if (!isObject(settings)) return [...problems, 'settings'];
  const scope = settings['scope'];
  if (!Array.isArray(scope) || scope.length === 0) {
    problems.push('settings.scope');
  } else {
    scope.forEach((s, i) => {
      if (!isObject(s)) return void problems.push(`settings.scope[${i}]`);
      if (s['repositoryId'] !== null && (typeof s['repositoryId'] !== 'string' || !GUID.test(s['repositoryId']))) problems.push(`settings.scope[${i}].repositoryId`);
      if ('refName' in s && typeof s['refName'] !== 'string') problems.push(`settings.scope[${i}].refName`);
      if ('matchKind' in s && !['exact', 'prefix', 'defaultbranch'].includes(String(s['matchKind']).toLowerCase())) problems.push(`settings.scope[${i}].matchKind`);
    });
  }
  if (existing.typeId === MINIMUM_REVIEWERS) {
    const count = settings['minimumApproverCount'];
    if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > 10) problems.push('settings.minimumApproverCount');
    for (const flag of ['creatorVoteCounts', 'allowDownvotes', 'resetOnSourcePush']) {
      if (typeof settings[flag] !== 'boolean') problems.push(`settings.${flag}`);
    }
  }
  return problems;
}

/** PUT …/policy/configurations/{id}: replaces the whole configuration (revision + 1). */
function putPolicy(req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  const existing = policyOf(ctx);
  const body = parseJson(req);
  if (!isObject(body)) throw badRequest('Value cannot be null.\r\nParameter name: configuration', 'ArgumentNullException');
  const problems = policyProblems(body, existing);
  if (problems.length > 0) {
    throw badRequest(`The policy configuration is invalid. Missing or invalid: ${problems.join(', ')}.`, 'InvalidPolicyConfigurationException');
  }
  const wasEnabled = existing.isEnabled;
  existing.isEnabled = body['isEnabled'] as boolean;
  existing.isBlocking = body['isBlocking'] as boolean;
  existing.settings = body['settings'] as Record<string, unknown>;
  existing.revision += 1;
  const projectName = ctx.org.projects.find((p) => p.id === existing.projectId)!.name;
  recordAudit(ctx, {
    actionId: 'Policy.PolicyConfigModified',
    area: 'Policy',
    category: 'Modify',
    details: `Policy "${POLICY_TYPES[existing.typeId] ?? existing.typeId}" was ${wasEnabled === existing.isEnabled ? 'modified' : existing.isEnabled ? 'enabled' : 'disabled'}.`,
    projectName,
    data: { PolicyConfigurationId: existing.id, Revision: existing.revision },
  });
  return { status: 200, json: policyJson(ctx, existing) };
}

export const policyRoutes: AzdoRoute[] = [
  { method: 'GET', path: '/:org/:project/_apis/policy/configurations', version: 'ga', handler: listPolicies },
  { method: 'GET', path: '/:org/:project/_apis/policy/configurations/:configurationId', version: 'ga', handler: getPolicy },
  { method: 'PUT', path: '/:org/:project/_apis/policy/configurations/:configurationId', version: 'ga', handler: putPolicy },
];
