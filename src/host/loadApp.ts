// Loads a Functions app the way the worker does: the entry (or glob) named by package.json `main`,
// resolved against the app folder, imported in order; every registration is captured.
import { readFile, glob } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { captureRegistrations, newRegistrations, type Registrations } from './coreModule.js';

export interface LoadedApp {
  appDir: string;
  entryFiles: string[];
  registrations: Registrations;
  hostJson: HostJson;
}

export interface HostJson {
  version?: string;
  extensions?: {
    http?: { routePrefix?: string };
    durableTask?: { hubName?: string };
  };
  [key: string]: unknown;
}

export class AppLoadError extends Error {
  override name = 'AppLoadError';
}

export async function loadApp(appDir: string, options: { main?: string } = {}): Promise<LoadedApp> {
  const root = path.resolve(appDir);
  const main = options.main ?? (await readPackageMain(root));
  const entryFiles = await resolveMain(root, main);
  const hostJson = await readHostJson(root);
  const registrations = newRegistrations();
  await captureRegistrations(registrations, async () => {
    for (const file of entryFiles) await import(pathToFileURL(file).href);
  });
  if (!registrations.programmingModel && registrations.functions.size > 0) {
    throw new AppLoadError('The app registered functions but no programming model; is @azure/functions installed?');
  }
  return { appDir: root, entryFiles, registrations, hostJson };
}

async function readPackageMain(root: string): Promise<string> {
  const pkgPath = path.join(root, 'package.json');
  let pkg: { main?: unknown };
  try {
    pkg = JSON.parse(await readFile(pkgPath, 'utf8')) as { main?: unknown };
  } catch (err) {
    throw new AppLoadError(`Cannot read ${pkgPath}: ${(err as Error).message}`);
  }
  if (typeof pkg.main !== 'string' || pkg.main === '') {
    throw new AppLoadError(`${pkgPath} has no "main" entry naming the app's functions.`);
  }
  return pkg.main;
}

async function resolveMain(root: string, main: string): Promise<string[]> {
  const files: string[] = [];
  if (/[*?{[]/.test(main)) {
    for await (const file of glob(main, { cwd: root })) files.push(path.resolve(root, file));
    files.sort();
  } else {
    files.push(path.resolve(root, main));
  }
  if (files.length === 0) {
    throw new AppLoadError(`package.json "main" (${main}) matches no file under ${root}; run the build first.`);
  }
  return files;
}

async function readHostJson(root: string): Promise<HostJson> {
  try {
    return JSON.parse(await readFile(path.join(root, 'host.json'), 'utf8')) as HostJson;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new AppLoadError(`Cannot read host.json: ${(err as Error).message}`);
  }
}
