// Regenerates deploy/rules/azuredeploy.json from deploy/rules/*.yaml: `node dist/test/rules/writeArm.js`.
import { writeFileSync } from 'node:fs';
import { armPath, armText, loadRules } from './ruleTemplates.js';

const rules = loadRules();
writeFileSync(armPath, armText(rules.map((r) => r.rule)));
console.log(`Wrote ${armPath} with ${rules.length} rules.`);
