import { z } from 'zod';
import { callAzdo } from '../../clients/azdo.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, azdoPermission } from '../policies.js';
import { API_VERSION, getRepository, projectInput, projectPath, repositoryInput } from './common.js';

export const disableRepository = defineAction({
  name: 'azdo.disableRepository',
  title: 'Disable repository',
  description: 'Disables an Azure DevOps Git repository: nobody can read or push it until it is enabled again.',
  input: z.object({ project: projectInput, repository: repositoryInput }),
  output: z.object({ repositoryId: z.string(), isDisabled: z.literal(true), changed: z.boolean() }),
  permissions: [azdoPermission('vso.code_manage')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  async run(input, ctx) {
    const repository = await getRepository(input.project, input.repository, ctx.signal);
    if (repository.isDisabled === true) return { repositoryId: repository.id, isDisabled: true as const, changed: false };
    await callAzdo({
      service: 'dev',
      method: 'PATCH',
      path: `${projectPath(input.project)}/_apis/git/repositories/${encodeURIComponent(repository.id)}`,
      apiVersion: API_VERSION,
      body: { isDisabled: true },
      signal: ctx.signal,
    });
    return { repositoryId: repository.id, isDisabled: true as const, changed: true };
  },
});
