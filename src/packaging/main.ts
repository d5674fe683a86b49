// `npm run package`: writes dist/package/app.zip, the deployable Function App (after `npm run build`).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPackage } from './package.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

try {
  await buildPackage({ appDir: repoRoot, log: (line) => process.stdout.write(`${line}\n`) });
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
}
