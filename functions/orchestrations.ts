// Every playbook of the catalogue as a durable orchestration ('playbook-<name>'), plus the SDK's activities.
import { catalogue } from '../playbooks/catalogue.js';
import { registerPlaybooks } from '../src/sdk/register.js';

registerPlaybooks(catalogue);
