// Every playbook of the catalogue as a durable orchestration ('playbook-<name>'), plus the SDK's activities.
// A playbook's file is named as the playbook (one file per playbook in playbooks/, as `soar new` writes it),
// so registering reads the folder instead of loading the playbooks; the catalogue loads on the first run.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { registerPlaybooks } from '../src/sdk/register.js';

const require = createRequire(import.meta.url);

const names = readdirSync(new URL('../playbooks/', import.meta.url))
  .filter((file) => file.endsWith('.js') && file !== 'catalogue.js')
  .map((file) => file.slice(0, -'.js'.length))
  .sort();

registerPlaybooks({ names, load: () => (require('../playbooks/catalogue.js') as typeof import('../playbooks/catalogue.js')).catalogue });
