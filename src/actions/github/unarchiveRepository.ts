import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, githubAppPermission } from '../policies.js';
import { archiveInput, archiveOutput, setArchived } from './setArchived.js';

export const unarchiveRepository = defineAction({
  name: 'github.unarchiveRepository',
  title: 'Unarchive repository',
  description: 'Unarchives a GitHub repository, making it writable again.',
  input: archiveInput,
  output: archiveOutput,
  permissions: [githubAppPermission('administration:write')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  run: setArchived(false),
});
