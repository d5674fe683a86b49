// Playbook settings: every setting has a default in the playbook's zod schema; an app setting
// PLAYBOOK_<NAME>_<SETTING> overrides it (name and setting in upper snake case, e.g.
// PLAYBOOK_SECRET_COMMITTED_LOCK_REPOSITORY=false). A value is read as JSON when it parses
// (true, 3, ["a","b"]) and as the plain string otherwise. Unknown or invalid overrides fail the run.
import { z } from 'zod';
import { ConfigError } from '../clients/errors.js';
import type { SettingsSchema } from './playbook.js';

export function upperSnake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

/** The prefix of a playbook's setting overrides: `PLAYBOOK_SECRET_COMMITTED_`. */
export function settingsPrefix(playbookName: string): string {
  return `PLAYBOOK_${upperSnake(playbookName)}_`;
}

/** Applies overrides (setting suffix → raw text) to the schema's defaults. */
export function resolveSettings<S>(
  playbookName: string,
  schema: SettingsSchema<S>,
  overrides: Readonly<Record<string, string>>,
): S {
  const prefix = settingsPrefix(playbookName);
  const keyBySuffix = new Map(Object.keys(schema.shape).map((key) => [upperSnake(key), key]));
  const values: Record<string, unknown> = {};
  for (const [suffix, raw] of Object.entries(overrides)) {
    const key = keyBySuffix.get(suffix);
    if (!key) {
      const known = [...keyBySuffix.keys()].map((s) => prefix + s).join(', ') || 'none';
      throw new ConfigError(prefix + suffix, `is not a setting of playbook '${playbookName}' (settings: ${known})`);
    }
    const field = schema.shape[key]!;
    const candidates = [parseJson(raw), raw].filter((c) => c !== undefined);
    const accepted = candidates.map((c) => z.safeParse(field, c)).find((r) => r.success);
    if (!accepted) {
      const problem = z.safeParse(field, candidates[0]).error?.issues[0]?.message ?? 'is invalid';
      throw new ConfigError(prefix + suffix, `is invalid: ${problem}`);
    }
    values[key] = accepted.data;
  }
  return schema.parse(values);
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}
