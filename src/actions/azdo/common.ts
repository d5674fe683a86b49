// Inputs and lookups shared by the Azure DevOps actions.

import { z } from 'zod';
import { callAzdo } from '../../clients/azdo.js';

export const API_VERSION = '7.1';
export const PREVIEW_API_VERSION = '7.1-preview.1';

export const projectInput = z.string().min(1).max(64).regex(/^[^/\\?#]+$/, 'must be a project name or id');
export const repositoryInput = z.string().min(1).max(256).regex(/^[^/\\?#]+$/, 'must be a repository name or id');

export function projectPath(project: string): string {
  return `/${encodeURIComponent(project)}`;
}

export interface GitRepository {
  id: string;
  name: string;
  isDisabled?: boolean;
  defaultBranch?: string;
}

/** A repository by name or id (the API accepts either in the path). */
export async function getRepository(project: string, repository: string, signal: AbortSignal): Promise<GitRepository> {
  const { body } = await callAzdo<GitRepository>({
    service: 'dev',
    method: 'GET',
    path: `${projectPath(project)}/_apis/git/repositories/${encodeURIComponent(repository)}`,
    apiVersion: API_VERSION,
    signal,
  });
  return body;
}
