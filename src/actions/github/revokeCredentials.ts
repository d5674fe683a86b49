import { z } from 'zod';
import { callGitHub, githubAnonymousClient, githubClient } from '../../clients/github.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, githubAppPermission } from '../policies.js';
import { repositoryInput } from './repository.js';

export const revokeCredentials = defineAction({
  name: 'github.revokeCredentials',
  title: 'Revoke leaked GitHub credentials',
  description:
    'Revokes the GitHub tokens that secret-scanning alerts found (ghp_, github_pat_, gho_, ghu_, ghr_). The action reads ' +
    'the secrets from the alerts itself, so no token ever passes through run history, and revokes them with an ' +
    'unauthenticated request, as GitHub requires.',
  input: z.object({ ...repositoryInput, alertNumbers: z.array(z.number().int().positive()).min(1).max(100) }),
  output: z.object({ revoked: z.number().int(), alertNumbers: z.array(z.number().int()) }),
  permissions: [githubAppPermission('secret_scanning_alerts:read')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  async run(input, ctx) {
    const octokit = githubClient();
    const request = { signal: ctx.signal };
    const secrets: string[] = [];
    for (const alertNumber of input.alertNumbers) {
      const { data } = await callGitHub(() =>
        octokit.rest.secretScanning.getAlert({ owner: input.owner, repo: input.repo, alert_number: alertNumber, request }),
      );
      if (data.secret && !secrets.includes(data.secret)) secrets.push(data.secret);
    }
    if (secrets.length === 0) {
      ctx.log('the alerts hold no secret (hidden or already purged); nothing to revoke');
      return { revoked: 0, alertNumbers: input.alertNumbers };
    }
    // Revoking a token twice is harmless: a replay just repeats the request.
    await callGitHub(() => githubAnonymousClient().rest.credentials.revoke({ credentials: secrets, request }));
    return { revoked: secrets.length, alertNumbers: input.alertNumbers };
  },
});
