// Builds the Function App's deployment zip: host.json, package.json, the built files the app loads (from
// package.json `main`, following imports) and the production dependency closure, nothing else. An import
// that would fail in Azure (of the local host, the sandbox, the CLI, a missing file or a dev dependency)
// stops the build with the list of offenders instead of producing a zip that cannot load.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { glob, mkdir, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { ZipWriter } from './zip.js';

/** The only folders the app may load code from: not the local host, the sandbox, the CLI, tests or benches. */
export const APP_FOLDERS = [
  'dist/functions',
  'dist/playbooks',
  'dist/src/sdk',
  'dist/src/actions',
  'dist/src/clients',
  'dist/src/incident',
  'dist/src/routing',
  'dist/src/operations',
] as const;

/** Files a dependency never needs at run time: type declarations, TypeScript sources, source maps, docs. */
const DEPENDENCY_NOISE = /(\.d\.[cm]?ts|\.[cm]?ts|\.map|\.md|\.markdown)$/i;
/** Supplied by the Functions worker, not installed. */
const WORKER_PROVIDED = new Set(['@azure/functions-core']);

export class PackageError extends Error {
  override name = 'PackageError';
}

export interface PackageOptions {
  /** The project folder (package.json, host.json, built dist/). */
  appDir: string;
  /** Default: <appDir>/dist/package/app.zip. */
  out?: string;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface PackageResult {
  file: string;
  bytes: number;
  appFiles: number;
  dependencyFiles: number;
  /** Packaged dependencies, as paths relative to appDir ('node_modules/zod'). */
  dependencies: string[];
}

export async function buildPackage(options: PackageOptions): Promise<PackageResult> {
  const appDir = await realpath(path.resolve(options.appDir)); // npm ls prints real paths
  const out = path.resolve(options.out ?? path.join(appDir, 'dist', 'package', 'app.zip'));
  const log = options.log ?? (() => {});

  log(`Packaging ${appDir}`);
  const dependencies = npmProductionDependencies(appDir).map((dir) => relativeTo(appDir, dir));
  const appFiles = await appClosure(appDir, topLevelPackages(dependencies));
  log(`  app: ${appFiles.length} files reached from package.json main, all under ${APP_FOLDERS.join(', ')}`);
  const dependencyFiles: string[] = [];
  for (const dep of dependencies) {
    dependencyFiles.push(...(await packageFiles(appDir, dep)));
  }
  log(`  dependencies: ${dependencies.length} packages, ${dependencyFiles.length} files`);

  const files = [...appFiles.sort(), ...dependencyFiles.sort()];
  await mkdir(path.dirname(out), { recursive: true });
  const writer = new ZipWriter(out);
  let bytes: number;
  try {
    let done = 0;
    for (const rel of files) {
      const full = path.join(appDir, rel);
      // Synchronous reads: thousands of small files, one at a time, are much faster without the thread pool.
      writer.add({ name: rel, data: readFileSync(full), mode: statSync(full).mode & 0o111 ? 0o755 : 0o644 });
      if (++done % 2000 === 0) log(`  zipped ${done}/${files.length} files`);
    }
    bytes = writer.close();
  } catch (err) {
    writer.abort();
    throw err;
  }
  log(`${path.relative(process.cwd(), out) || out}: ${formatSize(bytes)} (${files.length} files)`);
  return { file: out, bytes, appFiles: appFiles.length, dependencyFiles: dependencyFiles.length, dependencies };
}

/** The production dependency closure as npm resolved it in node_modules (no install, no network). */
function npmProductionDependencies(appDir: string): string[] {
  const result = spawnSync('npm', ['ls', '--omit=dev', '--parseable', '--all'], { cwd: appDir, encoding: 'utf8', shell: process.platform === 'win32' });
  if (result.error) throw new PackageError(`Cannot run npm ls: ${result.error.message}`);
  if (result.status !== 0) {
    throw new PackageError(`npm ls --omit=dev failed (the installed tree does not match package.json; run npm ci): ${result.stderr.trim()}`);
  }
  return result.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && path.resolve(line) !== path.resolve(appDir));
}

function relativeTo(appDir: string, dir: string): string {
  const rel = path.relative(appDir, path.resolve(appDir, dir)).split(path.sep).join('/');
  if (!rel.startsWith('node_modules/') || rel.split('/').includes('..')) throw new PackageError(`Dependency folder ${dir} is not under ${appDir}/node_modules`);
  return rel;
}

/** Names of the packages the app can import: 'node_modules/zod' → 'zod' (nested copies serve their parent only). */
function topLevelPackages(dependencies: string[]): Set<string> {
  return new Set(dependencies.map((rel) => /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(rel)?.[1]).filter((name) => name !== undefined));
}

/**
 * A package's files, as '/'-separated paths relative to appDir, without what it never needs at run time.
 * Symbolic links are followed; its node_modules folder is left out (npm ls lists nested packages itself).
 */
async function packageFiles(appDir: string, packageDir: string): Promise<string[]> {
  const found: string[] = [];
  const visited = new Set<string>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    const real = await realpath(dir);
    if (visited.has(real)) return; // a link loop
    visited.add(real);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const childRel = `${rel}/${entry.name}`;
      const child = path.join(dir, entry.name);
      const kind = entry.isSymbolicLink() ? await stat(child).catch(() => undefined) : entry;
      if (!kind) continue; // dangling link
      if (kind.isDirectory()) {
        if (entry.name !== 'node_modules') await walk(child, childRel);
      } else if (kind.isFile() && !DEPENDENCY_NOISE.test(entry.name)) {
        found.push(childRel);
      }
    }
  };
  await walk(path.join(appDir, packageDir), packageDir);
  return found;
}

/** Static imports, re-exports and literal dynamic imports in compiled JS (one statement may span lines). */
const IMPORTS = [
  /^\s*(?:import|export)\b[^'";]*?\bfrom\s*(['"])([^'"\n]+)\1/gm,
  /^\s*import\s*(['"])([^'"\n]+)\1/gm,
  /\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g,
  // Orchestrators load their modules with require(): a generator cannot await import().
  /\brequire\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g,
];

/**
 * host.json, package.json and every built file the app loads: the entries named by package.json `main`
 * and what they import, transitively (with each file's source map). Fails, listing each problem, when an
 * import leaves APP_FOLDERS, names a missing file, or names a package that is not a production dependency.
 */
async function appClosure(appDir: string, packages: Set<string>): Promise<string[]> {
  const main = (JSON.parse(await readFile(path.join(appDir, 'package.json'), 'utf8')) as { main?: unknown }).main;
  if (typeof main !== 'string') throw new PackageError('package.json has no "main" naming the app entry');
  const entries: string[] = [];
  for await (const file of glob(main, { cwd: appDir })) entries.push(file.split(path.sep).join('/'));
  if (entries.length === 0) throw new PackageError(`package.json main '${main}' matches no file: build the project first (npm run build).`);

  const builtins = new Set(builtinModules);
  const reached = new Set<string>();
  const problems: string[] = [];
  const queue = [...entries];
  for (let rel = queue.shift(); rel !== undefined; rel = queue.shift()) {
    if (reached.has(rel)) continue;
    reached.add(rel);
    const text = await readFile(path.join(appDir, rel), 'utf8').catch(() => undefined);
    if (text === undefined) {
      problems.push(`${rel} does not exist`);
      continue;
    }
    for (const pattern of IMPORTS) {
      for (const match of text.matchAll(pattern)) {
        const specifier = match[2]!;
        if (specifier.startsWith('.')) {
          const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), specifier));
          if (!APP_FOLDERS.some((folder) => target.startsWith(`${folder}/`))) problems.push(`${rel} imports ${specifier}, outside ${APP_FOLDERS.join(', ')}`);
          else queue.push(target);
        } else if (!specifier.startsWith('node:') && !builtins.has(specifier)) {
          const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
          if (!packages.has(name) && !WORKER_PROVIDED.has(name)) problems.push(`${rel} imports ${specifier}, which is not a production dependency`);
        }
      }
    }
  }
  if (problems.length > 0) throw new PackageError(`The packaged app would not load in Azure:\n  ${problems.join('\n  ')}`);
  const files = ['host.json', 'package.json'];
  for (const rel of reached) {
    files.push(rel);
    if (await stat(path.join(appDir, `${rel}.map`)).catch(() => undefined)) files.push(`${rel}.map`);
  }
  return files;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}
