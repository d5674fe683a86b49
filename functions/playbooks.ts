// GET /api/playbooks: the playbook catalogue with each trigger.
import { catalogue } from '../playbooks/catalogue.js';
import { registerPlaybookList } from '../src/routing/catalogueApi.js';

registerPlaybookList({ catalogue });
