import { z } from 'zod';
import { incidentRef, sentinelClient } from '../../clients/sentinel.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, READ_RETRY, azureRole } from '../policies.js';
import { incidentInput } from './incident.js';
import { sentinelWireJson } from './wireJson.js';

const entitySchema = z.object({
  kind: z.string(),
  id: z.string(),
  name: z.string(),
  /** The entity's kind-specific fields (accountName, upnSuffix, address, url, ...), camelCase as Sentinel sends them. */
  properties: z.record(z.string(), z.unknown()),
});

const wireEntities = z.object({ entities: z.array(entitySchema).optional() });

export const listEntities = defineAction({
  name: 'sentinel.listEntities',
  title: 'List incident entities',
  description: "Lists the entities (accounts, IPs, URLs, hosts, ...) of a Sentinel incident; they can arrive minutes after the incident.",
  input: z.object({ incidentId: incidentInput }),
  output: z.object({ entities: z.array(entitySchema) }),
  permissions: [azureRole('Sentinel', 'Microsoft Sentinel Reader')],
  retry: READ_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: false,
  async run(input, ctx) {
    const ref = incidentRef(input.incidentId);
    const body = await sentinelWireJson(
      (options) => sentinelClient(ref.subscriptionId).incidents.listEntities(ref.resourceGroup, ref.workspaceName, ref.incidentId, options),
      ctx.signal,
    );
    const entities = wireEntities.parse(body).entities ?? [];
    return { entities: entities.map(({ kind, id, name, properties }) => ({ kind, id, name, properties })) };
  },
});
