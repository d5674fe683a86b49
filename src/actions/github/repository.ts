// Inputs shared by the GitHub actions.

import { z } from 'zod';

export const ownerName = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'must be a GitHub account name');
export const repoName = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a GitHub repository name');
export const login = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'must be a GitHub login');
export const branchName = z.string().min(1).max(255).regex(/^[^\s~^:?*[\\]+$/, 'must be a branch name');

export const repositoryInput = { owner: ownerName, repo: repoName };
