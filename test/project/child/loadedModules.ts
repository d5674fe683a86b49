// Loads an app entry (argv[2]: package.json `main` or a glob) as the host does and prints, as a JSON array,
// the URL of every module that loading it imported.
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

const loaded: string[] = [];
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
// Imported after the hook is in place, so that loadApp and what it imports are recorded too.
const { loadApp } = await import('../../../src/host/loadApp.js');
const appDir = fileURLToPath(new URL('../../../..', import.meta.url));
await loadApp(appDir, process.argv[2] ? { main: process.argv[2] } : {});
process.stdout.write(`${JSON.stringify(loaded)}\n`);
