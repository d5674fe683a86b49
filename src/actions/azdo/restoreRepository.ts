import { z } from 'zod';
import { callAzdo } from '../../clients/azdo.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, azdoPermission } from '../policies.js';
import { API_VERSION, getRepository, projectInput, projectPath, repositoryInput, type GitRepository } from './common.js';

export const restoreRepository = defineAction({
  name: 'azdo.restoreRepository',
  title: 'Restore deleted repository',
  description:
    'Restores an Azure DevOps Git repository from the project recycle bin (deleted repositories stay there for 30 days), ' +
    'found by name or id.',
  input: z.object({ project: projectInput, repository: repositoryInput }),
  output: z.object({ repositoryId: z.string(), name: z.string(), restored: z.boolean() }),
  permissions: [azdoPermission('vso.code_manage')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  async run(input, ctx) {
    const base = `${projectPath(input.project)}/_apis/git/recycleBin/repositories`;
    const { body } = await callAzdo<{ value: GitRepository[] }>({ service: 'dev', method: 'GET', path: base, apiVersion: API_VERSION, signal: ctx.signal });
    const wanted = input.repository.toLowerCase();
    const deleted = body.value.find((r) => r.id.toLowerCase() === wanted || r.name.toLowerCase() === wanted);
    if (deleted === undefined) {
      // Not in the recycle bin: restored already (a replay) if it exists, else the lookup's 404 says what is wrong.
      const existing = await getRepository(input.project, input.repository, ctx.signal);
      return { repositoryId: existing.id, name: existing.name, restored: false };
    }
    await callAzdo({
      service: 'dev',
      method: 'PATCH',
      path: `${base}/${encodeURIComponent(deleted.id)}`,
      apiVersion: API_VERSION,
      body: { deleted: false },
      signal: ctx.signal,
    });
    return { repositoryId: deleted.id, name: deleted.name, restored: true };
  },
});
