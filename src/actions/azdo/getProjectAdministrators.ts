import { z } from 'zod';
import { callAzdo } from '../../clients/azdo.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, READ_RETRY, azdoPermission } from '../policies.js';
import { API_VERSION, PREVIEW_API_VERSION, projectInput } from './common.js';
import { administratorsOf, administratorsOutput, listGroups } from './graph.js';

export const getProjectAdministrators = defineAction({
  name: 'azdo.getProjectAdministrators',
  title: 'Get project administrators',
  description: "Lists the users in an Azure DevOps project's Project Administrators group, with their e-mail addresses.",
  input: z.object({ project: projectInput }),
  output: administratorsOutput,
  permissions: [azdoPermission('vso.project'), azdoPermission('vso.graph')],
  retry: READ_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: false,
  async run(input, ctx) {
    const signal = ctx.signal;
    const { body: project } = await callAzdo<{ id: string }>({
      service: 'dev',
      method: 'GET',
      path: `/_apis/projects/${encodeURIComponent(input.project)}`,
      apiVersion: API_VERSION,
      signal,
    });
    const { body: scope } = await callAzdo<{ value: string }>({
      service: 'vssps',
      method: 'GET',
      path: `/_apis/graph/descriptors/${encodeURIComponent(project.id)}`,
      apiVersion: PREVIEW_API_VERSION,
      signal,
    });
    const groups = await listGroups(signal, scope.value);
    return administratorsOf(groups.find((g) => g.displayName === 'Project Administrators'), signal);
  },
});
