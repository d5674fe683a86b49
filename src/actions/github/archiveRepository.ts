import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, githubAppPermission } from '../policies.js';
import { archiveInput, archiveOutput, setArchived } from './setArchived.js';

export const archiveRepository = defineAction({
  name: 'github.archiveRepository',
  title: 'Archive repository',
  description: 'Archives a GitHub repository, making it read-only (no pushes, issues or pull requests) until unarchived.',
  input: archiveInput,
  output: archiveOutput,
  permissions: [githubAppPermission('administration:write')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  run: setArchived(true),
});
