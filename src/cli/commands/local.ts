// Commands that work on the project folder: validate, doctor (new and replay live in their own files).
// They load the project's built code (`<app>/dist/...`, after `npm run build`), as the host does.
import { glob, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Permission } from '../../actions/action.js';
import { formatFinding } from '../../sdk/determinism.js';
import { lintPlaybookFiles } from '../../sdk/lintPlaybooks.js';
import { validateCatalogue, type PlaybookEntry } from '../../routing/trigger.js';
import { positionals, type ParsedArgs } from '../args.js';
import { callApi, targetFrom } from '../client.js';
import type { Io } from '../output.js';

export function appDirOf(args: ParsedArgs, io: Io): string {
  return path.resolve(io.cwd, args.values.get('app') ?? '.');
}

/** Imports a module of the project's build; a missing build is explained, not thrown as a stack. */
export async function importBuilt<T>(appDir: string, relative: string): Promise<T> {
  const file = path.join(appDir, 'dist', relative);
  try {
    return (await import(pathToFileURL(file).href)) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(file)) {
      throw new Error(`${path.relative(appDir, file)} is missing: build the project first (npm run build).`);
    }
    throw err;
  }
}

export async function validateCommand(args: ParsedArgs, io: Io): Promise<number> {
  positionals(args, []);
  const appDir = appDirOf(args, io);
  const problems: { where: string; message: string }[] = [];
  let catalogue: readonly PlaybookEntry[] = [];
  try {
    // Loading runs every definePlaybook: bad names, versions and settings without defaults throw here.
    catalogue = (await importBuilt<{ catalogue: readonly PlaybookEntry[] }>(appDir, 'playbooks/catalogue.js')).catalogue;
  } catch (err) {
    problems.push({ where: 'playbooks/catalogue.ts', message: (err as Error).message });
  }
  for (const p of validateCatalogue(catalogue)) problems.push({ where: p.path, message: p.message });
  const files: string[] = [];
  for await (const file of glob('playbooks/*.ts', { cwd: appDir })) files.push(path.join(appDir, file));
  files.sort();
  for (const finding of await lintPlaybookFiles(files)) {
    problems.push({ where: path.relative(appDir, finding.file), message: formatFinding({ ...finding, file: path.relative(appDir, finding.file) }) });
  }
  if (args.switches.has('json')) {
    io.out(JSON.stringify({ ok: problems.length === 0, playbooks: catalogue.map((p) => p.name), files: files.length, problems }, null, 2));
  } else {
    for (const p of problems) io.out(`✗ ${p.where}: ${p.message}`);
    io.out(`${catalogue.length} playbook(s), ${files.length} playbook file(s): ${problems.length === 0 ? 'all valid' : `${problems.length} problem(s)`}.`);
  }
  return problems.length === 0 ? 0 : 1;
}

interface CatalogueEntry extends PlaybookEntry {
  /** Names of the actions a playbook declares (definePlaybook `actions`). */
  actions?: readonly string[];
}

interface ActionInfo {
  name: string;
  title: string;
  permissions: readonly Permission[];
}

/**
 * Settings the app reads: each check passes when one of the alternatives is complete; `detail`, when given,
 * says on a passing check what the settings amount to.
 */
const settingChecks: { need: string; anyOf: string[][]; detail?: (settings: Record<string, string>) => string }[] = [
  { need: 'Sentinel workspace', anyOf: [['SENTINEL_SUBSCRIPTION_ID', 'SENTINEL_RESOURCE_GROUP', 'SENTINEL_WORKSPACE_NAME']] },
  { need: 'E-mail (ACS)', anyOf: [['ACS_CONNECTION_STRING', 'EMAIL_SENDER_ADDRESS'], ['ACS_ENDPOINT', 'EMAIL_SENDER_ADDRESS']] },
  { need: 'GitHub', anyOf: [['GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY', 'GITHUB_APP_INSTALLATION_ID'], ['GITHUB_TOKEN']] },
  { need: 'Azure DevOps', anyOf: [['AZDO_ORGANIZATION']] },
  // PUBLIC_BASE_URL may be empty (local.settings.sample.json leaves it so): the local host sets it to its own URL.
  { need: 'Approval links', anyOf: [['APPROVAL_SIGNING_KEY']], detail: approvalLinksTarget },
];

function approvalLinksTarget(settings: Record<string, string>): string {
  const url = settings['PUBLIC_BASE_URL'];
  return url
    ? `links point at ${url} (PUBLIC_BASE_URL)`
    : `links point at the local host's own URL, http://127.0.0.1:<port> (PUBLIC_BASE_URL is not set; the deployment sets it to the app's URL)`;
}

const endpointSettings: [string, string][] = [
  ['ARM_ENDPOINT', 'https://management.azure.com'],
  ['GRAPH_ENDPOINT', 'https://graph.microsoft.com'],
  ['ACS_ENDPOINT', ''],
  ['GITHUB_API_URL', 'https://api.github.com'],
  ['AZDO_BASE_URL', 'https://dev.azure.com'],
];

export async function doctorCommand(args: ParsedArgs, io: Io): Promise<number> {
  positionals(args, []);
  const appDir = appDirOf(args, io);
  const settings = { ...(await localSettings(appDir)), ...definedEnv(io.env) };
  const { allActions } = await importBuilt<{ allActions: readonly ActionInfo[] }>(appDir, 'src/actions/index.js');
  const { catalogue } = await importBuilt<{ catalogue: readonly CatalogueEntry[] }>(appDir, 'playbooks/catalogue.js');
  // What the playbooks can call: their declared actions, or every action when one declares none. Disabled ones
  // count too (marked), so a new playbook's permissions can be granted before its trigger is enabled.
  const isDisabled = (p: CatalogueEntry): boolean => p.trigger.enabled === false;
  const disabled = new Set(catalogue.filter(isDisabled).map((p) => p.name));
  const mark = (name: string): string => (disabled.has(name) ? `${name} (disabled)` : name);
  const permissions = new Map<string, { permission: Permission; actions: Set<string>; playbooks: Set<string> }>();
  for (const playbook of catalogue) {
    const actions = playbook.actions ? allActions.filter((a) => playbook.actions!.includes(a.name)) : allActions;
    for (const action of actions) {
      for (const permission of action.permissions) {
        const key = `${permission.api}|${permission.kind}|${permission.name}`;
        const entry = permissions.get(key) ?? { permission, actions: new Set<string>(), playbooks: new Set<string>() };
        entry.actions.add(action.name);
        entry.playbooks.add(playbook.name);
        permissions.set(key, entry);
      }
    }
  }
  const settingResults = settingChecks.map((c) => {
    const ok = c.anyOf.some((group) => group.every((name) => settings[name]));
    return {
      need: c.need,
      ok,
      missing: ok ? [] : (c.anyOf[0] as string[]).filter((name) => !settings[name]),
      ...(ok && c.detail ? { detail: c.detail(settings) } : {}),
    };
  });
  if (settings['SOAR_EXTRA_CA_FILE']) process.env['SOAR_EXTRA_CA_FILE'] = settings['SOAR_EXTRA_CA_FILE'];
  const { trustExtraCa } = await import('../../clients/trust.js');
  trustExtraCa();
  const progress = (line: string): void => {
    if (!args.switches.has('json')) io.err(line);
  };
  const endpoints: { name: string; url: string; ok: boolean; detail: string }[] = [];
  for (const [name, fallback] of endpointSettings) {
    const url = settings[name] ?? fallback;
    if (!url) continue;
    progress(`checking ${name} ${url} …`);
    endpoints.push({ name, url, ...(await reachable(url)) });
  }
  const target = targetFrom(args.values, io.env, appDir);
  progress(`checking the app at ${target.url} …`);
  let app: { url: string; ok: boolean; detail: string };
  try {
    await callApi(target, 'GET', '/api/playbooks');
    app = { url: target.url, ok: true, detail: 'GET /api/playbooks answered' };
  } catch (err) {
    app = { url: target.url, ok: false, detail: (err as Error).message };
  }
  const ok = settingResults.every((s) => s.ok) && endpoints.every((e) => e.ok) && app.ok;
  const permissionList = [...permissions.values()]
    .map((p) => ({ ...p.permission, actions: [...p.actions].sort(), playbooks: [...p.playbooks].sort() }))
    .sort((a, b) => `${a.api}${a.name}`.localeCompare(`${b.api}${b.name}`));
  if (args.switches.has('json')) {
    const playbooks = catalogue.map((p) => ({ name: p.name, enabled: !isDisabled(p) }));
    io.out(JSON.stringify({ ok, playbooks, permissions: permissionList, settings: settingResults, endpoints, app }, null, 2));
    return ok ? 0 : 1;
  }
  const enabledCount = catalogue.length - disabled.size;
  io.out(`Permissions the ${catalogue.length} playbook(s) need, ${enabledCount} enabled and ${disabled.size} disabled (${catalogue.map((p) => mark(p.name)).join(', ') || 'none'}):`);
  for (const p of permissionList) {
    const onlyDisabled = p.playbooks.every((name) => disabled.has(name));
    io.out(
      `  ${p.api} ${p.kind} '${p.name}' (granted ${p.grantedBy === 'arm' ? 'by the deployment' : 'manually'}) — ${p.actions.join(', ')}; ` +
        `for ${p.playbooks.map(mark).join(', ')}${onlyDisabled ? ' [only disabled playbooks need it so far]' : ''}`,
    );
  }
  io.out('Settings:');
  for (const s of settingResults) io.out(`  ${s.ok ? '✓' : '✗'} ${s.need}${s.ok ? (s.detail ? `: ${s.detail}` : '') : `: missing ${s.missing.join(', ')}`}`);
  io.out('Endpoints:');
  for (const e of endpoints) io.out(`  ${e.ok ? '✓' : '✗'} ${e.name} ${e.url}: ${e.detail}`);
  io.out(`  ${app.ok ? '✓' : '✗'} app ${app.url}: ${app.detail}`);
  io.out(ok ? 'Everything checked is in order.' : 'Some checks failed.');
  return ok ? 0 : 1;
}

async function reachable(url: string): Promise<{ ok: boolean; detail: string }> {
  try {
    const response = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(5_000) });
    return { ok: true, detail: `reachable (HTTP ${response.status})` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, detail: `unreachable: ${cause?.code ?? cause?.message ?? (err as Error).message}` };
  }
}

async function localSettings(appDir: string): Promise<Record<string, string>> {
  try {
    const parsed = JSON.parse(await readFile(path.join(appDir, 'local.settings.json'), 'utf8')) as { Values?: Record<string, unknown> };
    return Object.fromEntries(Object.entries(parsed.Values ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  } catch {
    return {};
  }
}

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
}
