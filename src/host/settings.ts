// App settings for the local host, read the way Core Tools reads them: `local.settings.json` in the app
// folder ({IsEncrypted, Values, Host}), whose Values become environment variables before the app loads,
// except where the environment already defines them. Explicit overrides (tests, the sandbox's settings)
// are applied last and do win over the environment: the caller asked for them by name.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export const localSettingsFileName = 'local.settings.json';

export class SettingsError extends Error {
  override name = 'SettingsError';
}

export interface HostSettings {
  /** Values from local.settings.json. */
  local: Record<string, string>;
  /** Explicit values given by the caller; they win over local values and the environment. */
  overrides: Record<string, string>;
  /** `Host.LocalHttpPort` from local.settings.json, if set. */
  localHttpPort: number | undefined;
  /** The local.settings.json that was read, if there was one. */
  file: string | undefined;
}

/** Reads `local.settings.json` from `appDir` (absent is fine) and pairs it with explicit overrides. */
export async function readSettings(appDir: string, overrides: Record<string, string> = {}): Promise<HostSettings> {
  const file = path.join(appDir, localSettingsFileName);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return { local: {}, overrides: { ...overrides }, localHttpPort: undefined, file: undefined };
    }
    throw new SettingsError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  const parsed = parseLocalSettings(text, file);
  return { ...parsed, overrides: { ...overrides }, file };
}

function parseLocalSettings(text: string, file: string): Pick<HostSettings, 'local' | 'localHttpPort'> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SettingsError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isRecord(json)) throw new SettingsError(`${file} must hold a JSON object.`);
  if (json.IsEncrypted === true) {
    throw new SettingsError(`${file} is encrypted (IsEncrypted: true); the local host reads plain values only.`);
  }
  const problems: string[] = [];
  const local: Record<string, string> = {};
  if (json.Values !== undefined) {
    if (!isRecord(json.Values)) problems.push('Values must be an object of strings');
    else {
      for (const [name, value] of Object.entries(json.Values)) {
        if (typeof value === 'string') local[name] = value;
        else problems.push(`Values.${name} must be a string`);
      }
    }
  }
  let localHttpPort: number | undefined;
  if (json.Host !== undefined) {
    if (!isRecord(json.Host)) problems.push('Host must be an object');
    else if (json.Host.LocalHttpPort !== undefined) {
      const port = json.Host.LocalHttpPort;
      if (typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535) localHttpPort = port;
      else problems.push('Host.LocalHttpPort must be an integer from 0 to 65535');
    }
  }
  if (problems.length > 0) throw new SettingsError(`${file} is invalid: ${problems.join('; ')}.`);
  return { local, localHttpPort };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface AppliedSettings {
  /** Local setting names left alone because the environment already defined them. */
  skipped: string[];
  /** Puts back every variable this application changed or added. */
  restore(): void;
}

/** Writes the settings into `env`: local values where the variable is unset, then every override. */
export function applySettings(settings: HostSettings, env: NodeJS.ProcessEnv = process.env): AppliedSettings {
  const previous = new Map<string, string | undefined>();
  const set = (name: string, value: string): void => {
    if (!previous.has(name)) previous.set(name, env[name]);
    env[name] = value;
  };
  const skipped: string[] = [];
  for (const [name, value] of Object.entries(settings.local)) {
    if (name in settings.overrides) continue;
    if (env[name] !== undefined && env[name] !== '') skipped.push(name);
    else set(name, value);
  }
  for (const [name, value] of Object.entries(settings.overrides)) set(name, value);
  return {
    skipped,
    restore() {
      for (const [name, value] of previous) {
        if (value === undefined) delete env[name];
        else env[name] = value;
      }
      previous.clear();
    },
  };
}

/**
 * Resolves binding expressions of the `%NAME%` form (schedules, hub names) from the app settings, as the
 * Functions host does; a reference to a setting that is not defined is an error naming it.
 */
export function resolveSettingReferences(expression: string, env: NodeJS.ProcessEnv = process.env): string {
  return expression.replace(/%([^%]+)%/g, (_match, name: string) => {
    const value = env[name];
    if (value === undefined) throw new SettingsError(`The expression "${expression}" names the setting ${name}, which is not set.`);
    return value;
  });
}
