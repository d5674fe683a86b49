import { z } from 'zod';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, READ_RETRY, azdoPermission } from '../policies.js';
import { administratorsOf, administratorsOutput, listGroups } from './graph.js';

/** The domain of the organisation's own groups (project groups have vstfs:///Classification/TeamProject/…). */
const ORGANIZATION_DOMAIN = 'vstfs:///Framework/IdentityDomain/';

export const getOrganizationAdministrators = defineAction({
  name: 'azdo.getOrganizationAdministrators',
  title: 'Get organization administrators',
  description:
    "Lists the users in the Azure DevOps organization's Project Collection Administrators group, with their e-mail addresses.",
  input: z.object({}),
  output: administratorsOutput,
  permissions: [azdoPermission('vso.graph')],
  retry: READ_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: false,
  async run(_input, ctx) {
    const groups = await listGroups(ctx.signal);
    const admins = groups.find((g) => g.displayName === 'Project Collection Administrators' && g.domain.startsWith(ORGANIZATION_DOMAIN));
    return administratorsOf(admins, ctx.signal);
  },
});
