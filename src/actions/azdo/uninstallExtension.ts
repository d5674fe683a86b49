import { z } from 'zod';
import { callAzdo } from '../../clients/azdo.js';
import { RemoteApiError } from '../../clients/errors.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, azdoPermission } from '../policies.js';
import { PREVIEW_API_VERSION } from './common.js';

export const uninstallExtension = defineAction({
  name: 'azdo.uninstallExtension',
  title: 'Uninstall extension',
  description: 'Uninstalls an extension from the Azure DevOps organization (e.g. one on the deny list).',
  input: z.object({
    extensionId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*\.[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be 'publisher.extension'")
      .describe("'publisher.extension', e.g. 'evilcorp.crypto-helper'"),
    reason: z.string().max(500).optional(),
  }),
  output: z.object({ extensionId: z.string(), uninstalled: z.boolean() }),
  permissions: [azdoPermission('vso.extension_manage')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  async run(input, ctx) {
    const dot = input.extensionId.indexOf('.');
    const publisher = input.extensionId.slice(0, dot);
    const extension = input.extensionId.slice(dot + 1);
    try {
      await callAzdo({
        service: 'extmgmt',
        method: 'DELETE',
        path: `/_apis/extensionmanagement/installedextensionsbyname/${encodeURIComponent(publisher)}/${encodeURIComponent(extension)}`,
        query: { reason: input.reason, reasonCode: input.reason === undefined ? undefined : 'SecurityIncident' },
        apiVersion: PREVIEW_API_VERSION,
        signal: ctx.signal,
      });
      return { extensionId: input.extensionId, uninstalled: true };
    } catch (error) {
      // Not installed (any more, e.g. on a replay): the desired state holds.
      if (error instanceof RemoteApiError && error.status === 404) return { extensionId: input.extensionId, uninstalled: false };
      throw error;
    }
  },
});
