// Every playbook the app runs, with its trigger. Each playbook file exports its entry; list it here.
import type { PlaybookEntry } from '../src/routing/trigger.js';
import { branchPolicyDisabled } from './branch-policy-disabled.js';
import { extensionInstalled } from './extension-installed.js';
import { newCountryActivity } from './new-country-activity.js';
import { repositoryDeleted } from './repository-deleted.js';
import { secretCommitted } from './secret-committed.js';

export const catalogue: PlaybookEntry[] = [repositoryDeleted, secretCommitted, branchPolicyDisabled, extensionInstalled, newCountryActivity];
