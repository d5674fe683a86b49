// Script entry: `node dist/src/sdk/lintPlaybooks.js [file.ts ...]` lints the given playbook files, or every
// `playbooks/*.ts` under the current folder, and exits 1 when any forbidden use is found.
import { glob, readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { formatFinding, lintPlaybookSource, type DeterminismFinding } from './determinism.js';

export async function lintPlaybookFiles(files: readonly string[]): Promise<DeterminismFinding[]> {
  const findings: DeterminismFinding[] = [];
  for (const file of files) findings.push(...lintPlaybookSource(file, await readFile(file, 'utf8')));
  return findings;
}

async function main(args: readonly string[]): Promise<number> {
  const files = [...args];
  if (files.length === 0) for await (const file of glob('playbooks/*.ts')) files.push(file);
  files.sort();
  const findings = await lintPlaybookFiles(files);
  for (const finding of findings) console.error(formatFinding(finding));
  console.log(`Determinism lint: ${files.length} playbook file(s), ${findings.length} finding(s).`);
  return findings.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
