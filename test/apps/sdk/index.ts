// The SDK test app: the real actions and approval endpoint, plus the SDK test playbooks.
import '../../../functions/actions.js';
import '../../../functions/approvals.js';
import { registerPlaybooks } from '../../../src/sdk/register.js';
import { sdkPlaybooks } from './playbooks.js';

registerPlaybooks(sdkPlaybooks);
