// GET /api/playbooks: the playbook catalogue with each trigger. The catalogue loads on the first request.
import { createRequire } from 'node:module';
import { registerPlaybookList } from '../src/routing/catalogueApi.js';

const require = createRequire(import.meta.url);

registerPlaybookList({ catalogue: () => (require('../playbooks/catalogue.js') as typeof import('../playbooks/catalogue.js')).catalogue });
