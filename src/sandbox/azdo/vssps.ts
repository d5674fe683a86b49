// vssps.dev.azure.com (mounted at /azdo/vssps): identity search, Graph (descriptors, groups, memberships, users) and
// token administration (a user's PATs, revocation).
//
// Project administrators come from the Graph API, as on Azure DevOps:
//   GET _apis/graph/descriptors/{projectId}                 → the project's scope descriptor (scp.…)
//   GET _apis/graph/groups?scopeDescriptor=scp.…            → the project's groups, "Project Administrators" among them
//   GET _apis/graph/memberships/{groupDescriptor}?direction=down → its members' subject descriptors
//   GET _apis/graph/users/{userDescriptor}                  → each member's principalName and mailAddress

import type { SandboxReply, SandboxRequest } from '../emulator.js';
import { recordAudit } from './audit.js';
import { AzdoHttpError, badRequest, isObject, parseJson, type AzdoContext, type AzdoRoute } from './http.js';
import type { AzdoOrganization } from './world.js';

type Group = AzdoOrganization['groups'][number];

const scopeDescriptor = (projectId: string): string => `scp.${Buffer.from(projectId).toString('base64url')}`;

function subjectNotFound(descriptor: string): AzdoHttpError {
  return new AzdoHttpError(404, 'GraphSubjectNotFoundException', `VS860018: The subject with descriptor ${descriptor} could not be found.`, 'Microsoft.VisualStudio.Services.Graph');
}

/** GET _apis/identities?searchFilter=General|AccountName|MailAddress|DisplayName&filterValue=… */
function searchIdentities(req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  const filter = req.query.get('searchFilter');
  const value = req.query.get('filterValue');
  if (filter === null || value === null) {
    throw badRequest('Either searchFilter and filterValue, descriptors, or identityIds must be specified.', 'ArgumentException');
  }
  const v = value.toLowerCase();
  const matches: Record<string, (i: AzdoOrganization['identities'][number]) => boolean> = {
    general: (i) => i.principalName.toLowerCase() === v || i.mailAddress.toLowerCase() === v || i.displayName.toLowerCase() === v,
    accountname: (i) => i.principalName.toLowerCase() === v,
    mailaddress: (i) => i.mailAddress.toLowerCase() === v,
    displayname: (i) => i.displayName.toLowerCase() === v,
  };
  const match = matches[filter.toLowerCase()];
  if (match === undefined) throw badRequest(`The value '${filter}' is not valid for searchFilter.`);
  const found = ctx.org.identities.filter(match);
  return {
    status: 200,
    json: {
      count: found.length,
      value: found.map((i) => ({
        id: i.id,
        descriptor: `Microsoft.IdentityModel.Claims.ClaimsIdentity;72f988bf-0000-4000-8000-000000000001\\${i.principalName}`,
        subjectDescriptor: i.subjectDescriptor,
        providerDisplayName: i.displayName,
        isActive: true,
        isContainer: false,
        members: [],
        memberOf: [],
        memberIds: [],
        properties: {
          SchemaClassName: { $type: 'System.String', $value: 'User' },
          Description: { $type: 'System.String', $value: '' },
          Domain: { $type: 'System.String', $value: 'AzureActiveDirectory' },
          Account: { $type: 'System.String', $value: i.principalName },
          Mail: { $type: 'System.String', $value: i.mailAddress },
        },
        resourceVersion: 2,
        metaTypeId: 0,
      })),
    },
  };
}

/** GET _apis/graph/descriptors/{storageKey}: a project id, an identity id or a group's origin id → its descriptor. */
function getDescriptor(_req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  const key = ctx.params['storageKey']!.toLowerCase();
  const descriptor =
    (ctx.org.projects.some((p) => p.id === key) ? scopeDescriptor(key) : undefined) ??
    ctx.org.identities.find((i) => i.id === key)?.subjectDescriptor ??
    ctx.org.groups.find((g) => g.originId === key)?.descriptor;
  if (descriptor === undefined) {
    throw new AzdoHttpError(404, 'StorageKeyNotFoundException', `VS860015: The storage key ${key} could not be found.`, 'Microsoft.VisualStudio.Services.Graph');
  }
  return { status: 200, json: { value: descriptor, _links: {} } };
}

function groupJson(ctx: AzdoContext, g: Group): Record<string, unknown> {
  const project = ctx.org.projects.find((p) => p.id === g.projectId);
  const url = `${ctx.baseUrl}/${ctx.org.name}/_apis/Graph/Groups/${g.descriptor}`;
  return {
    subjectKind: 'group',
    description: g.description,
    domain: project ? `vstfs:///Classification/TeamProject/${project.id}` : `vstfs:///Framework/IdentityDomain/${ctx.org.id}`,
    principalName: `[${project?.name ?? ctx.org.name}]\\${g.displayName}`,
    mailAddress: null,
    origin: 'vsts',
    originId: g.originId,
    displayName: g.displayName,
    _links: { self: { href: url }, memberships: { href: `${ctx.baseUrl}/${ctx.org.name}/_apis/Graph/Memberships/${g.descriptor}` } },
    url,
    descriptor: g.descriptor,
  };
}

/** GET _apis/graph/groups[?scopeDescriptor=scp.…] (7.1-preview.1). */
function listGroups(req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  const scope = req.query.get('scopeDescriptor');
  let groups = ctx.org.groups;
  if (scope !== null) {
    const project = ctx.org.projects.find((p) => scopeDescriptor(p.id) === scope);
    if (project === undefined) throw badRequest(`VS860016: The scope descriptor ${scope} is not valid.`, 'InvalidSubjectTypeException');
    groups = groups.filter((g) => g.projectId === project.id);
  }
  return { status: 200, json: { count: groups.length, value: groups.map((g) => groupJson(ctx, g)) } };
}

/** GET _apis/graph/memberships/{subjectDescriptor}?direction=down|up (default up). */
function listMemberships(req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  const subject = ctx.params['subjectDescriptor']!;
  const direction = (req.query.get('direction') ?? 'up').toLowerCase();
  if (direction !== 'up' && direction !== 'down') throw badRequest(`The value '${direction}' is not valid for direction.`);
  const pairs: { container: string; member: string }[] = [];
  if (direction === 'down') {
    const group = ctx.org.groups.find((g) => g.descriptor === subject);
    if (group === undefined) throw subjectNotFound(subject);
    for (const member of group.members) pairs.push({ container: group.descriptor, member });
  } else {
    if (!ctx.org.identities.some((i) => i.subjectDescriptor === subject) && !ctx.org.groups.some((g) => g.descriptor === subject)) {
      throw subjectNotFound(subject);
    }
    for (const g of ctx.org.groups) if (g.members.includes(subject)) pairs.push({ container: g.descriptor, member: subject });
  }
  const base = `${ctx.baseUrl}/${ctx.org.name}/_apis/Graph`;
  return {
    status: 200,
    json: {
      count: pairs.length,
      value: pairs.map((p) => ({
        containerDescriptor: p.container,
        memberDescriptor: p.member,
        _links: {
          self: { href: `${base}/Memberships/${p.member}/${p.container}` },
          member: { href: `${base}/Users/${p.member}` },
          container: { href: `${base}/Groups/${p.container}` },
        },
      })),
    },
  };
}

/** GET _apis/graph/users/{userDescriptor} (7.1-preview.1). */
function getGraphUser(_req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  const descriptor = ctx.params['userDescriptor']!;
  const user = ctx.org.identities.find((i) => i.subjectDescriptor === descriptor);
  if (user === undefined) throw subjectNotFound(descriptor);
  const url = `${ctx.baseUrl}/${ctx.org.name}/_apis/Graph/Users/${descriptor}`;
  return {
    status: 200,
    json: {
      subjectKind: descriptor.startsWith('aadsp.') ? 'servicePrincipal' : 'user',
      metaType: 'member',
      directoryAlias: user.principalName.split('@')[0],
      domain: '72f988bf-0000-4000-8000-000000000001',
      principalName: user.principalName,
      mailAddress: user.mailAddress,
      origin: 'aad',
      originId: user.originId,
      displayName: user.displayName,
      _links: { self: { href: url }, memberships: { href: `${ctx.baseUrl}/${ctx.org.name}/_apis/Graph/Memberships/${descriptor}` } },
      url,
      descriptor,
    },
  };
}

/** Token administration is for Project Collection Administrators only; others get 401, as on Azure DevOps. */
function requireTokenAdministrator(ctx: AzdoContext): void {
  const admins = ctx.org.groups.find((g) => g.projectId === null && g.displayName === 'Project Collection Administrators');
  if (admins?.members.includes(ctx.caller.subjectDescriptor) !== true) {
    throw new AzdoHttpError(
      401,
      'UnauthorizedRequestException',
      `TF400813: The user '${ctx.caller.principalName}' is not authorized to access this resource.`,
      'Microsoft.TeamFoundation.Framework.Server',
    );
  }
}

/** GET _apis/tokenadmin/personalaccesstokens/{subjectDescriptor}?pageSize&continuationToken&isPublic: a user's valid PATs. */
function listUserPats(req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  requireTokenAdministrator(ctx);
  const descriptor = ctx.params['subjectDescriptor']!;
  const user = ctx.org.identities.find((i) => i.subjectDescriptor === descriptor);
  if (user === undefined) throw subjectNotFound(descriptor);
  const pageText = req.query.get('pageSize');
  const pageSize = pageText === null ? 20 : Number(pageText);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) throw badRequest(`The value '${pageText}' is not valid for pageSize. It must be from 1 to 100.`);
  const isPublic = req.query.get('isPublic') === 'true';
  const pats = ctx.org.pats.filter((p) => p.userDescriptor === descriptor && p.isValid && p.isPublic === isPublic);
  const token = req.query.get('continuationToken');
  const after = token === null || token === '' ? -1 : pats.findIndex((p) => p.authorizationId === token);
  if (after < 0 && token !== null && token !== '') throw badRequest(`The continuation token '${token}' is not valid.`);
  const from = after + 1;
  const page = pats.slice(from, from + pageSize);
  const more = from + pageSize < pats.length;
  return {
    status: 200,
    json: {
      value: page.map((p) => ({
        clientId: '00000000-0000-0000-0000-000000000000',
        accessId: '00000000-0000-0000-0000-000000000000',
        authorizationId: p.authorizationId,
        hostAuthorizationId: '00000000-0000-0000-0000-000000000000',
        userId: user.id,
        validFrom: p.validFrom,
        validTo: p.validTo,
        displayName: p.displayName,
        scope: p.scope,
        targetAccounts: [ctx.org.id],
        token: null,
        alternateToken: null,
        isValid: p.isValid,
        isPublic: p.isPublic,
        publicData: null,
        source: null,
        claims: null,
      })),
      continuationToken: more ? page[page.length - 1]!.authorizationId : null,
    },
  };
}

/** POST _apis/tokenadmin/revocations `[{authorizationId}]` → 204. Revoking a revoked or unknown token changes nothing. */
function revokePats(req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  requireTokenAdministrator(ctx);
  const body = parseJson(req);
  const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (!Array.isArray(body) || body.length === 0) throw badRequest('Value cannot be null or empty.\r\nParameter name: revocations', 'ArgumentNullException');
  const bad = body.flatMap((r, i) => (isObject(r) && typeof r['authorizationId'] === 'string' && GUID.test(r['authorizationId']) ? [] : [`[${i}].authorizationId`]));
  if (bad.length > 0) throw badRequest(`Invalid revocations: ${bad.join(', ')} must be a GUID.`);
  const revokedAt = new Date(ctx.nowMs).toISOString();
  for (const { authorizationId } of body as { authorizationId: string }[]) {
    const pat = ctx.org.pats.find((p) => p.authorizationId === authorizationId.toLowerCase() && p.isValid);
    if (pat === undefined) continue;
    pat.isValid = false;
    ctx.org.revocations.push({ authorizationId: pat.authorizationId, revokedAt });
    const owner = ctx.org.identities.find((i) => i.subjectDescriptor === pat.userDescriptor);
    recordAudit(ctx, {
      actionId: 'Token.PatRevokeEvent',
      area: 'Token',
      category: 'Remove',
      details: `Personal access token "${pat.displayName}" of ${owner?.principalName ?? 'a user'} was revoked by an administrator.`,
      projectName: null,
      data: { AuthorizationId: pat.authorizationId, DisplayName: pat.displayName },
    });
  }
  return { status: 204 };
}

export const vsspsRoutes: AzdoRoute[] = [
  { method: 'GET', path: '/:org/_apis/identities', version: 'ga', handler: searchIdentities },
  { method: 'GET', path: '/:org/_apis/graph/descriptors/:storageKey', version: 'preview', handler: getDescriptor },
  { method: 'GET', path: '/:org/_apis/graph/groups', version: 'preview', handler: listGroups },
  { method: 'GET', path: '/:org/_apis/graph/memberships/:subjectDescriptor', version: 'preview', handler: listMemberships },
  { method: 'GET', path: '/:org/_apis/graph/users/:userDescriptor', version: 'preview', handler: getGraphUser },
  { method: 'GET', path: '/:org/_apis/tokenadmin/personalaccesstokens/:subjectDescriptor', version: 'ga', handler: listUserPats },
  { method: 'POST', path: '/:org/_apis/tokenadmin/revocations', version: 'ga', handler: revokePats },
];
