import { z } from 'zod';
import { callAzdo } from '../../clients/azdo.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, azdoPermission } from '../policies.js';
import { API_VERSION, projectInput, projectPath } from './common.js';

interface PolicyConfiguration {
  id: number;
  revision: number;
  isEnabled: boolean;
  isBlocking: boolean;
  type: { id: string };
  settings: Record<string, unknown>;
}

export const enablePolicy = defineAction({
  name: 'azdo.enablePolicy',
  title: 'Re-enable branch policy',
  description:
    'Re-enables an Azure DevOps policy configuration (e.g. minimum reviewers) that someone disabled, keeping all its ' +
    'settings: the whole configuration is read and written back with isEnabled true.',
  input: z.object({ project: projectInput, policyId: z.number().int().positive() }),
  output: z.object({ policyId: z.number().int(), revision: z.number().int(), isEnabled: z.literal(true), changed: z.boolean() }),
  permissions: [azdoPermission('vso.code_manage')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  async run(input, ctx) {
    const path = `${projectPath(input.project)}/_apis/policy/configurations/${input.policyId}`;
    const { body: current } = await callAzdo<PolicyConfiguration>({ service: 'dev', method: 'GET', path, apiVersion: API_VERSION, signal: ctx.signal });
    if (current.isEnabled) return { policyId: input.policyId, revision: current.revision, isEnabled: true as const, changed: false };
    // PUT replaces the configuration: send back everything we read, changing only isEnabled.
    const { body: updated } = await callAzdo<PolicyConfiguration>({
      service: 'dev',
      method: 'PUT',
      path,
      apiVersion: API_VERSION,
      body: { ...current, isEnabled: true },
      signal: ctx.signal,
    });
    return { policyId: input.policyId, revision: updated.revision, isEnabled: true as const, changed: true };
  },
});
