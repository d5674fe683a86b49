// Git routes on dev.azure.com (mounted at /azdo/dev): repositories (list, get, disable), the recycle bin (list,
// restore) and refs (list, lock).

import type { SandboxReply, SandboxRequest } from '../emulator.js';
import { recordAudit } from './audit.js';
import { projectRef } from './core.js';
import { AzdoHttpError, badRequest, identityRef, isObject, parseJson, projectOf, type AzdoContext, type AzdoRoute } from './http.js';
import type { AzdoOrganization, AzdoRepository } from './world.js';

type Project = AzdoOrganization['projects'][number];

function repoNotFound(idOrName: string): AzdoHttpError {
  return new AzdoHttpError(
    404,
    'GitRepositoryNotFoundException',
    `TF401019: The Git repository with name or identifier ${idOrName} does not exist or you do not have permissions for the operation you are attempting.`,
    'Microsoft.TeamFoundation.Git.Server',
  );
}

function repositoryJson(ctx: AzdoContext, repo: AzdoRepository): Record<string, unknown> {
  const project = ctx.org.projects.find((p) => p.id === repo.projectId)!;
  const url = `${ctx.baseUrl}/${ctx.org.name}/${project.id}/_apis/git/repositories/${repo.id}`;
  return {
    id: repo.id,
    name: repo.name,
    url,
    project: projectRef(ctx, project),
    ...(repo.defaultBranch !== null && { defaultBranch: repo.defaultBranch }),
    size: repo.size,
    remoteUrl: `https://${ctx.org.name}@dev.azure.com/${ctx.org.name}/${encodeURIComponent(project.name)}/_git/${encodeURIComponent(repo.name)}`,
    sshUrl: `git@ssh.dev.azure.com:v3/${ctx.org.name}/${encodeURIComponent(project.name)}/${encodeURIComponent(repo.name)}`,
    webUrl: `https://dev.azure.com/${ctx.org.name}/${encodeURIComponent(project.name)}/_git/${encodeURIComponent(repo.name)}`,
    isDisabled: repo.isDisabled,
    isInMaintenance: false,
  };
}

/** A repository of the project by id or name (project optional: org-level routes search every project). */
function findRepo(ctx: AzdoContext, project: Project | undefined, idOrName: string): AzdoRepository {
  const key = idOrName.toLowerCase();
  const repo = ctx.org.repositories.find(
    (r) => (project === undefined || r.projectId === project.id) && (r.id === key || r.name.toLowerCase() === key),
  );
  if (repo === undefined) throw repoNotFound(idOrName);
  return repo;
}

const optionalProject = (ctx: AzdoContext): Project | undefined =>
  ctx.params['project'] === undefined ? undefined : projectOf(ctx, ctx.params['project']);

function listRepositories(_req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  const project = optionalProject(ctx);
  const repos = ctx.org.repositories.filter((r) => project === undefined || r.projectId === project.id);
  return { status: 200, json: { value: repos.map((r) => repositoryJson(ctx, r)), count: repos.length } };
}

function getRepository(_req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  return { status: 200, json: repositoryJson(ctx, findRepo(ctx, optionalProject(ctx), ctx.params['repositoryId']!)) };
}

/** PATCH …/repositories/{id} `{isDisabled?, name?, defaultBranch?}`. */
function updateRepository(req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  const project = optionalProject(ctx);
  const repo = findRepo(ctx, project, ctx.params['repositoryId']!);
  const body = parseJson(req);
  if (!isObject(body)) throw badRequest('Value cannot be null.\r\nParameter name: newRepositoryInfo', 'ArgumentNullException');
  const invalid = [
    'isDisabled' in body && typeof body['isDisabled'] !== 'boolean' ? 'isDisabled' : null,
    'name' in body && (typeof body['name'] !== 'string' || body['name'].trim() === '') ? 'name' : null,
    'defaultBranch' in body && (typeof body['defaultBranch'] !== 'string' || !repo.refs.some((r) => r.name === body['defaultBranch'])) ? 'defaultBranch' : null,
  ].filter((k) => k !== null);
  if (invalid.length > 0) throw badRequest(`The repository update contains invalid values for: ${invalid.join(', ')}.`);
  if (!('isDisabled' in body) && !('name' in body) && !('defaultBranch' in body)) {
    throw badRequest('The repository update must change at least one of: isDisabled, name, defaultBranch.');
  }
  const projectName = ctx.org.projects.find((p) => p.id === repo.projectId)!.name;
  if (typeof body['isDisabled'] === 'boolean' && body['isDisabled'] !== repo.isDisabled) {
    repo.isDisabled = body['isDisabled'];
    recordAudit(ctx, {
      actionId: repo.isDisabled ? 'Git.RepositoryDisabled' : 'Git.RepositoryEnabled',
      area: 'Git',
      category: 'Modify',
      details: `Repository ${repo.name} was ${repo.isDisabled ? 'disabled' : 'enabled'} in project ${projectName}.`,
      projectName,
      data: { RepoId: repo.id, RepoName: repo.name },
    });
  }
  if (typeof body['name'] === 'string') repo.name = body['name'];
  if (typeof body['defaultBranch'] === 'string') repo.defaultBranch = body['defaultBranch'];
  return { status: 200, json: repositoryJson(ctx, repo) };
}

function listRecycleBin(_req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  const project = projectOf(ctx, ctx.params['project']!);
  const deleted = ctx.org.recycleBin.filter((r) => r.projectId === project.id);
  return {
    status: 200,
    json: {
      value: deleted.map((r) => ({
        id: r.id,
        name: r.name,
        project: projectRef(ctx, project),
        createdDate: r.createdDate,
        deletedDate: r.deletedDate,
        deletedBy: identityRef(ctx, r.deletedById),
      })),
      count: deleted.length,
    },
  };
}

/** PATCH …/recycleBin/repositories/{id} `{deleted: false}` moves the repository back out of the recycle bin. */
function restoreRepository(req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  const project = projectOf(ctx, ctx.params['project']!);
  const id = ctx.params['repositoryId']!.toLowerCase();
  const body = parseJson(req);
  if (!isObject(body) || body['deleted'] !== false) {
    throw badRequest("The request body must be {\"deleted\": false}: only restoring a repository from the recycle bin is supported.");
  }
  const index = ctx.org.recycleBin.findIndex((r) => r.projectId === project.id && r.id === id);
  if (index < 0) throw repoNotFound(ctx.params['repositoryId']!);
  const deleted = ctx.org.recycleBin[index]!;
  if (ctx.org.repositories.some((r) => r.projectId === project.id && r.name.toLowerCase() === deleted.name.toLowerCase())) {
    throw new AzdoHttpError(
      409,
      'GitRepositoryNameAlreadyExistsException',
      `TF400948: A Git repository with the name ${deleted.name} already exists.`,
      'Microsoft.TeamFoundation.Git.Server',
    );
  }
  const { deletedDate: _deletedDate, deletedById: _deletedById, ...repo } = deleted;
  ctx.org.recycleBin.splice(index, 1);
  ctx.org.repositories.push(repo);
  recordAudit(ctx, {
    actionId: 'Git.RepositoryUndeleted',
    area: 'Git',
    category: 'Modify',
    details: `Repository ${repo.name} was restored in project ${project.name}.`,
    projectName: project.name,
    data: { RepoId: repo.id, RepoName: repo.name },
  });
  return { status: 200, json: repositoryJson(ctx, repo) };
}

function refJson(ctx: AzdoContext, repo: AzdoRepository, ref: AzdoRepository['refs'][number]): Record<string, unknown> {
  return {
    name: ref.name,
    objectId: ref.objectId,
    creator: identityRef(ctx, ref.creatorId),
    url: `${ctx.baseUrl}/${ctx.org.name}/${repo.projectId}/_apis/git/repositories/${repo.id}/refs?filter=${encodeURIComponent(ref.name.replace(/^refs\//, ''))}`,
    ...(ref.isLocked && { isLocked: true, isLockedBy: identityRef(ctx, ref.isLockedById) }),
  };
}

/** GET …/refs?filter=heads/ (prefix after "refs/") or filterContains=. */
function listRefs(req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  const repo = findRepo(ctx, optionalProject(ctx), ctx.params['repositoryId']!);
  const filter = req.query.get('filter');
  const contains = req.query.get('filterContains');
  const refs = repo.refs.filter(
    (r) => (filter === null || r.name.startsWith(`refs/${filter}`)) && (contains === null || r.name.includes(contains)),
  );
  return { status: 200, json: { value: refs.map((r) => refJson(ctx, repo, r)), count: refs.length } };
}

/** PATCH …/refs?filter=heads/main `{isLocked}`: the filter names exactly one ref. */
function lockRef(req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  const repo = findRepo(ctx, optionalProject(ctx), ctx.params['repositoryId']!);
  const filter = req.query.get('filter');
  if (filter === null || filter === '') throw badRequest('Value cannot be null.\r\nParameter name: filter', 'ArgumentNullException');
  const body = parseJson(req);
  if (!isObject(body) || typeof body['isLocked'] !== 'boolean') {
    throw badRequest('The ref update must set isLocked to true or false.');
  }
  const name = filter.startsWith('refs/') ? filter : `refs/${filter}`;
  const ref = repo.refs.find((r) => r.name === name);
  if (ref === undefined) {
    throw new AzdoHttpError(404, 'GitRefNotFoundException', `TF401175: The ref ${name} does not exist in repository ${repo.name}.`, 'Microsoft.TeamFoundation.Git.Server');
  }
  if (ref.isLocked !== body['isLocked']) {
    ref.isLocked = body['isLocked'];
    ref.isLockedById = ref.isLocked ? ctx.caller.id : null;
    const projectName = ctx.org.projects.find((p) => p.id === repo.projectId)!.name;
    recordAudit(ctx, {
      actionId: ref.isLocked ? 'Git.RefLocked' : 'Git.RefUnlocked',
      area: 'Git',
      category: 'Modify',
      details: `Branch ${name} of repository ${repo.name} was ${ref.isLocked ? 'locked' : 'unlocked'}.`,
      projectName,
      data: { RepoId: repo.id, RepoName: repo.name, RefName: name },
    });
  }
  return { status: 200, json: refJson(ctx, repo, ref) };
}

const repoPaths = ['/:org/:project/_apis/git/repositories', '/:org/_apis/git/repositories'];

export const gitRoutes: AzdoRoute[] = [
  { method: 'GET', path: '/:org/:project/_apis/git/recycleBin/repositories', version: 'ga', handler: listRecycleBin },
  { method: 'PATCH', path: '/:org/:project/_apis/git/recycleBin/repositories/:repositoryId', version: 'ga', handler: restoreRepository },
  ...repoPaths.flatMap((base): AzdoRoute[] => [
    { method: 'GET', path: base, version: 'ga', handler: listRepositories },
    { method: 'GET', path: `${base}/:repositoryId`, version: 'ga', handler: getRepository },
    { method: 'PATCH', path: `${base}/:repositoryId`, version: 'ga', handler: updateRepository },
    { method: 'GET', path: `${base}/:repositoryId/refs`, version: 'ga', handler: listRefs },
    { method: 'PATCH', path: `${base}/:repositoryId/refs`, version: 'ga', handler: lockRef },
  ]),
];
