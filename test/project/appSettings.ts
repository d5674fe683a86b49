// The settings inventory, read from the source: what the app reads (process.env and the settings helpers),
// what the Functions host reads (host.json %NAME% references), and local.settings.sample.json. Shared by the
// sample/README check (test/project) and the ARM template check (test/deploy).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The folders the deployed app is built from (its sources, not the local host, sandbox or CLI). */
export const APP_SOURCE_DIRS = ['functions', 'playbooks', 'src/sdk', 'src/actions', 'src/clients', 'src/incident', 'src/routing', 'src/operations'];

/** Settings of the Functions host itself, in every environment. */
export const FUNCTIONS_HOST_SETTINGS = ['FUNCTIONS_WORKER_RUNTIME', 'AzureWebJobsStorage'];
/** Read only by the local host (src/host/http/keys.ts); Azure keeps its own keys. */
export const LOCAL_HOST_SETTINGS = ['SOAR_FUNCTION_KEY', 'SOAR_MASTER_KEY'];
/** Read by the Functions platform, not by app code: telemetry, and the Durable Task Scheduler backend (host.json switch). */
export const PLATFORM_SETTINGS = [
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
  'DURABLE_TASK_SCHEDULER_CONNECTION_STRING',
];

const UPPER_SNAKE = '[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+';
const PATTERNS = [
  // A setting name as a string literal: requiredSetting('X'), new ConfigError('X'), ['X', fallback] tables.
  new RegExp(`['"\`](${UPPER_SNAKE})['"\`]`, 'g'),
  // process.env.X, env.X, process.env['X'], env['X']
  new RegExp(`\\benv\\.(${UPPER_SNAKE})\\b`, 'g'),
  new RegExp(`\\benv\\[['"\`](${UPPER_SNAKE})['"\`]\\]`, 'g'),
];

/** Setting names in one source text; comment lines are left out (they mention settings in prose). */
export function settingsInSource(text: string): Set<string> {
  const code = text
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\/?\*)/.test(line))
    .join('\n');
  const names = new Set<string>();
  for (const pattern of PATTERNS) for (const m of code.matchAll(pattern)) names.add(m[1]!);
  return names;
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) files.push(...sourceFiles(rel));
    else if (entry.name.endsWith('.ts')) files.push(rel);
  }
  return files;
}

/** Every setting the app's source reads → the files that read it. */
export function settingsReadByApp(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of APP_SOURCE_DIRS.flatMap(sourceFiles)) {
    for (const name of settingsInSource(readFileSync(path.join(repoRoot, file), 'utf8'))) found.set(name, [...(found.get(name) ?? []), file]);
  }
  return found;
}

/** Settings host.json names as %NAME% (e.g. the durable task hub). */
export function settingsReadByHostJson(): string[] {
  const text = readFileSync(path.join(repoRoot, 'host.json'), 'utf8');
  return [...new Set([...text.matchAll(/%([A-Za-z0-9_]+)%/g)].map((m) => m[1]!))];
}

export interface SampleSettings {
  IsEncrypted: unknown;
  Values: Record<string, unknown>;
  Host?: Record<string, unknown>;
}

export function readSample(): SampleSettings {
  return JSON.parse(readFileSync(path.join(repoRoot, 'local.settings.sample.json'), 'utf8')) as SampleSettings;
}
