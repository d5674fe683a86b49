import { z } from 'zod';
import { callAzdo } from '../../clients/azdo.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, azdoPermission } from '../policies.js';
import { API_VERSION, getRepository, projectInput, projectPath, repositoryInput } from './common.js';

export const lockBranch = defineAction({
  name: 'azdo.lockBranch',
  title: 'Lock branch',
  description: 'Locks an Azure DevOps branch: no pushes until unlocked (existing pull requests cannot complete).',
  input: z.object({
    project: projectInput,
    repository: repositoryInput,
    branch: z.string().min(1).max(250).regex(/^[^\s~^:?*[\\]+$/, 'must be a branch name').describe("'main' or 'refs/heads/main'"),
  }),
  output: z.object({ repositoryId: z.string(), ref: z.string(), isLocked: z.literal(true) }),
  permissions: [azdoPermission('vso.code_write')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  async run(input, ctx) {
    const repository = await getRepository(input.project, input.repository, ctx.signal);
    const shortName = input.branch.replace(/^refs\/heads\//, '');
    // Locking a locked branch is a no-op for the service, so a replay needs no special case.
    const { body } = await callAzdo<{ name?: string; isLocked?: boolean }>({
      service: 'dev',
      method: 'PATCH',
      path: `${projectPath(input.project)}/_apis/git/repositories/${encodeURIComponent(repository.id)}/refs`,
      query: { filter: `heads/${shortName}` },
      apiVersion: API_VERSION,
      body: { isLocked: true },
      signal: ctx.signal,
    });
    return { repositoryId: repository.id, ref: body.name ?? `refs/heads/${shortName}`, isLocked: true as const };
  },
});
