import { z } from 'zod';
import { callGitHub, githubClient } from '../../clients/github.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, githubAppPermission } from '../policies.js';
import { login, repositoryInput } from './repository.js';

export const removeCollaborator = defineAction({
  name: 'github.removeCollaborator',
  title: 'Remove repository collaborator',
  description: "Removes a user's direct access to a GitHub repository (organization membership and team access are unchanged).",
  input: z.object({ ...repositoryInput, username: login }),
  output: z.object({ username: z.string(), removed: z.literal(true) }),
  permissions: [githubAppPermission('administration:write')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  async run(input, ctx) {
    const octokit = githubClient();
    // DELETE is idempotent: removing someone who is no longer a collaborator succeeds too.
    await callGitHub(() => octokit.rest.repos.removeCollaborator({ ...input, request: { signal: ctx.signal } }));
    return { username: input.username, removed: true as const };
  },
});
