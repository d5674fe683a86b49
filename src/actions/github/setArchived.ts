// The one implementation behind github.archiveRepository and github.unarchiveRepository.

import { z } from 'zod';
import { callGitHub, githubClient } from '../../clients/github.js';
import type { Action } from '../action.js';
import { repositoryInput } from './repository.js';

export const archiveInput = z.object(repositoryInput);
export const archiveOutput = z.object({ archived: z.boolean(), changed: z.boolean() });

export function setArchived(archived: boolean): Action<z.infer<typeof archiveInput>, z.infer<typeof archiveOutput>>['run'] {
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
