// Core projects on dev.azure.com (mounted at /azdo/dev): list and get by name or id.

import type { SandboxReply, SandboxRequest } from '../emulator.js';
import { projectOf, type AzdoContext, type AzdoRoute } from './http.js';
import type { AzdoOrganization } from './world.js';

type Project = AzdoOrganization['projects'][number];

/** TeamProjectReference, as embedded in repositories and returned by the projects list. */
export function projectRef(ctx: AzdoContext, project: Project): Record<string, unknown> {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    url: `${ctx.baseUrl}/${ctx.org.name}/_apis/projects/${project.id}`,
    state: 'wellFormed',
    revision: 42,
    visibility: 'private',
    lastUpdateTime: project.lastUpdateTime,
  };
}

function listProjects(_req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  return { status: 200, json: { count: ctx.org.projects.length, value: ctx.org.projects.map((p) => projectRef(ctx, p)) } };
}

/** GET _apis/projects/{projectId} (name or id) → TeamProject. */
function getProject(_req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  const project = projectOf(ctx, ctx.params['projectId']!);
  const ref = projectRef(ctx, project);
  return {
    status: 200,
    json: {
      ...ref,
      _links: { self: { href: ref['url'] }, collection: { href: `${ctx.baseUrl}/_apis/projectCollections/${ctx.org.id}` } },
      defaultTeam: { id: project.id, name: `${project.name} Team`, url: `${ctx.baseUrl}/_apis/projects/${project.id}/teams/${project.id}` },
    },
  };
}

export const coreRoutes: AzdoRoute[] = [
  { method: 'GET', path: '/:org/_apis/projects', version: 'ga', handler: listProjects },
  { method: 'GET', path: '/:org/_apis/projects/:projectId', version: 'ga', handler: getProject },
];
