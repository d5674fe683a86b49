import { z } from 'zod';
import { callGitHub, githubClient } from '../../clients/github.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, githubAppPermission } from '../policies.js';
import { repositoryInput } from './repository.js';

const RESOLUTIONS = ['revoked', 'false_positive', 'wont_fix', 'used_in_tests'] as const;

export const resolveSecretScanningAlert = defineAction({
  name: 'github.resolveSecretScanningAlert',
  title: 'Resolve secret-scanning alert',
  description: 'Closes a GitHub secret-scanning alert with a resolution (e.g. revoked) and a comment.',
  input: z.object({
    ...repositoryInput,
    alertNumber: z.number().int().positive(),
    resolution: z.enum(RESOLUTIONS),
    comment: z.string().max(280).optional(),
  }),
  output: z.object({ alertNumber: z.number().int(), state: z.literal('resolved'), resolution: z.enum(RESOLUTIONS), changed: z.boolean() }),
  permissions: [githubAppPermission('secret_scanning_alerts:write')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  async run(input, ctx) {
    const octokit = githubClient();
    const alert = { owner: input.owner, repo: input.repo, alert_number: input.alertNumber, request: { signal: ctx.signal } };
    // GitHub answers 400 to a PATCH that changes nothing: read first, so a replay is a no-op.
    const { data } = await callGitHub(() => octokit.rest.secretScanning.getAlert(alert));
    const result = { alertNumber: input.alertNumber, state: 'resolved' as const, resolution: input.resolution };
    if (data.state === 'resolved' && data.resolution === input.resolution) return { ...result, changed: false };
    await callGitHub(() =>
      octokit.rest.secretScanning.updateAlert({
        ...alert,
        state: 'resolved',
        resolution: input.resolution,
        ...(input.comment === undefined ? {} : { resolution_comment: input.comment }),
      }),
    );
    return { ...result, changed: true };
  },
});
