// One cold start: load an app under the host's functions-core shim (so every registration happens), then
// report how many functions registered and the process's peak RSS. Mode: app (the repo's built entry,
// package.json main) or bare (bench/apps/bare: @azure/functions + durable-functions only).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadApp } from '../../src/host/loadApp.js';

const distDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const mode = process.argv[2];
const loaded =
  mode === 'app'
    ? await loadApp(path.resolve(distDir, '..'))
    : await loadApp(path.join(distDir, 'bench/apps/bare'), { main: 'index.js' });
process.stdout.write(
  `${JSON.stringify({ functions: loaded.registrations.functions.size, maxRssKb: process.resourceUsage().maxRSS })}\n`,
);
