import { z } from 'zod';
import { callGitHub, githubClient } from '../../clients/github.js';
import { defineAction, type Action } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, githubAppPermission } from '../policies.js';
import { repositoryInput } from './repository.js';

const input = z.object(repositoryInput);
const output = z.object({ archived: z.boolean(), changed: z.boolean() });

function setArchived(archived: boolean): Action<z.infer<typeof input>, z.infer<typeof output>>['run'] {
  return async (repo, ctx) => {
    const octokit = githubClient();
    const request = { signal: ctx.signal };
    // An archived repository refuses every change but unarchiving: read first, so a replay is a no-op.
    const { data } = await callGitHub(() => octokit.rest.repos.get({ ...repo, request }));
    if (data.archived === archived) return { archived, changed: false };
    const updated = await callGitHub(() => octokit.rest.repos.update({ ...repo, archived, request }));
    return { archived: updated.data.archived ?? archived, changed: true };
  };
}

export const archiveRepository = defineAction({
  name: 'github.archiveRepository',
  title: 'Archive repository',
  description: 'Archives a GitHub repository, making it read-only (no pushes, issues or pull requests) until unarchived.',
  input,
  output,
  permissions: [githubAppPermission('administration:write')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  run: setArchived(true),
});

export const unarchiveRepository = defineAction({
  name: 'github.unarchiveRepository',
  title: 'Unarchive repository',
  description: 'Unarchives a GitHub repository, making it writable again.',
  input,
  output,
  permissions: [githubAppPermission('administration:write')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  run: setArchived(false),
});
