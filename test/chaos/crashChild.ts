// The host process the crash scenario kills: the real app on the local host with a file store and a real
// clock, its settings (the parent's sandbox) read from a file. Prints `listening <url>` once it serves;
// every log line goes to stdout, where the parent searches it for secrets. SIGTERM stops it cleanly.
import { readFileSync } from 'node:fs';
import { startHost } from '../../src/host/index.js';
import { HostLogger } from '../../src/host/log.js';
import { repoRoot } from './env.js';

const [settingsFile, storePath] = process.argv.slice(2);
const settings = JSON.parse(readFileSync(settingsFile!, 'utf8')) as Record<string, string>;
const host = await startHost({ appDir: repoRoot, port: 0, storePath: storePath!, readLocalSettings: false, settings, logger: new HostLogger({ level: 'debug' }) });
process.stdout.write(`listening ${host.url}\n`);
process.on('SIGTERM', () => {
  host.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
