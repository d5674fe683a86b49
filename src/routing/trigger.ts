// What a playbook declares about the incidents it handles, and the checks `soar validate` runs on it.
// Within one criterion any listed value matches (case-insensitive); all given criteria must match, except
// `requiredEntityKinds` and `customDetails`, where every listed kind / detail must be present. Rule ids and rule
// names together form one criterion: a rule matched by either is enough.
import { ENTITY_KINDS, EVENT_TYPES, SEVERITIES, STATUSES, type EventType, type IncidentStatus, type Severity } from '../incident/model.js';

export interface PlaybookTrigger {
  /** Analytic rule GUIDs or full alertRules ARM ids. */
  analyticRuleIds?: readonly string[];
  /** Analytic rule display names (from each alert's "Analytic Rule Name"). */
  analyticRuleNames?: readonly string[];
  /** Regular expression source matched case-insensitively against the title. */
  titlePattern?: string;
  severities?: readonly Severity[];
  statuses?: readonly IncidentStatus[];
  productNames?: readonly string[];
  providerNames?: readonly string[];
  tactics?: readonly string[];
  labels?: readonly string[];
  requiredEntityKinds?: readonly string[];
  /** Default ['Create']. */
  eventTypes?: readonly EventType[];
  /** Custom detail name → accepted values; an empty list only requires the detail to be present. */
  customDetails?: Readonly<Record<string, readonly string[]>>;
  /** Default true. */
  enabled?: boolean;
}

export interface PlaybookEntry {
  /** Short stable name, part of every run's instance id: letters, digits, '-' and '_', at most 48 characters. */
  name: string;
  title: string;
  version: string;
  trigger: PlaybookTrigger;
  /** The durable orchestration function that runs the playbook. */
  orchestrationName: string;
}

export interface TriggerProblem {
  path: string;
  message: string;
}

export const PLAYBOOK_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;
/** Leaves room in a run's instance id (at most 100 characters) for an update's time and 12 characters and a hash of the incident name. */
export const PLAYBOOK_NAME_MAX = 48;
const MAX_PATTERN_LENGTH = 500;
const LIST_KEYS = [
  'analyticRuleIds',
  'analyticRuleNames',
  'severities',
  'statuses',
  'productNames',
  'providerNames',
  'tactics',
  'labels',
  'requiredEntityKinds',
  'eventTypes',
] as const;
const KNOWN_KEYS = new Set<string>([...LIST_KEYS, 'titlePattern', 'customDetails', 'enabled']);

/** Problems with one trigger; empty when it is valid. */
export function validateTrigger(trigger: PlaybookTrigger, path = 'trigger'): TriggerProblem[] {
  const problems: TriggerProblem[] = [];
  if (trigger === null || typeof trigger !== 'object') return [{ path, message: 'must be an object' }];
  for (const key of Object.keys(trigger)) {
    if (!KNOWN_KEYS.has(key)) problems.push({ path: `${path}.${key}`, message: 'is not a trigger criterion' });
  }
  for (const key of LIST_KEYS) {
    const list = trigger[key] as unknown;
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string' && v.trim() !== '')) {
      problems.push({ path: `${path}.${key}`, message: 'must be a non-empty list of non-empty strings (omit it to match any)' });
    }
  }
  checkAllowed(problems, `${path}.severities`, trigger.severities, SEVERITIES);
  checkAllowed(problems, `${path}.statuses`, trigger.statuses, STATUSES);
  checkAllowed(problems, `${path}.eventTypes`, trigger.eventTypes, EVENT_TYPES);
  if (Array.isArray(trigger.requiredEntityKinds)) {
    for (const kind of trigger.requiredEntityKinds) {
      if (typeof kind === 'string' && !/^[A-Za-z][A-Za-z0-9]{0,63}$/.test(kind)) {
        problems.push({ path: `${path}.requiredEntityKinds`, message: `"${kind}" is not an entity kind (e.g. ${ENTITY_KINDS.join(', ')})` });
      }
    }
  }
  if (trigger.titlePattern !== undefined) {
    const problem = titlePatternProblem(trigger.titlePattern);
    if (problem) problems.push({ path: `${path}.titlePattern`, message: problem });
  }
  if (trigger.customDetails !== undefined) {
    const details = trigger.customDetails as unknown;
    if (details === null || typeof details !== 'object' || Array.isArray(details) || Object.keys(details).length === 0) {
      problems.push({ path: `${path}.customDetails`, message: 'must be an object of detail name → list of values' });
    } else {
      for (const [name, values] of Object.entries(details)) {
        if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) {
          problems.push({ path: `${path}.customDetails.${name}`, message: 'must be a list of strings (empty: detail must be present)' });
        }
      }
    }
  }
  if (trigger.enabled !== undefined && typeof trigger.enabled !== 'boolean') {
    problems.push({ path: `${path}.enabled`, message: 'must be true or false' });
  }
  return problems;
}

/** Problems with a whole catalogue: each entry's fields and trigger, and duplicate names. */
export function validateCatalogue(catalogue: readonly PlaybookEntry[]): TriggerProblem[] {
  const problems: TriggerProblem[] = [];
  const seen = new Set<string>();
  catalogue.forEach((entry, i) => {
    const at = `catalogue[${i}]`;
    if (typeof entry.name !== 'string' || !PLAYBOOK_NAME_PATTERN.test(entry.name)) {
      problems.push({ path: `${at}.name`, message: `must match ${PLAYBOOK_NAME_PATTERN.source}` });
    } else if (entry.name.length > PLAYBOOK_NAME_MAX) {
      problems.push({
        path: `${at}.name`,
        message: `"${entry.name}" has ${entry.name.length} characters; a playbook name is part of its runs' instance ids and may have at most ${PLAYBOOK_NAME_MAX}`,
      });
    } else if (seen.has(entry.name.toLowerCase())) {
      problems.push({ path: `${at}.name`, message: `"${entry.name}" is used by another playbook` });
    } else {
      seen.add(entry.name.toLowerCase());
    }
    for (const key of ['title', 'version', 'orchestrationName'] as const) {
      if (typeof entry[key] !== 'string' || entry[key].trim() === '') problems.push({ path: `${at}.${key}`, message: 'must be a non-empty string' });
    }
    problems.push(...validateTrigger(entry.trigger, `${at}.trigger`));
  });
  return problems;
}

/**
 * Compiles a title pattern. Titles are attacker-influenced and capped at 1,024 characters; patterns come
 * from playbook authors, so refusing nested quantifiers (the classic catastrophic-backtracking shape)
 * and backreferences keeps matching linear enough.
 */
export function compileTitlePattern(source: string): RegExp {
  const problem = titlePatternProblem(source);
  if (problem) throw new Error(`Invalid titlePattern: ${problem}`);
  return new RegExp(source, 'iu');
}

function titlePatternProblem(source: unknown): string | undefined {
  if (typeof source !== 'string' || source === '') return 'must be a non-empty regular expression source';
  if (source.length > MAX_PATTERN_LENGTH) return `must be at most ${MAX_PATTERN_LENGTH} characters`;
  try {
    new RegExp(source, 'iu');
  } catch (err) {
    return `is not a valid regular expression: ${(err as Error).message}`;
  }
  if (/\\[1-9]|\\k</.test(source)) return 'must not use backreferences';
  if (hasNestedQuantifier(source)) return 'must not quantify a group that already contains a quantifier (catastrophic backtracking)';
  return undefined;
}

/** True when a quantified group contains a quantifier, e.g. (a+)+ or (\w*x)*. */
function hasNestedQuantifier(source: string): boolean {
  const groups: boolean[] = []; // per open group: does it contain a quantifier?
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') groups.push(false);
    else if (c === ')') {
      const inner = groups.pop() ?? false;
      const next = source[i + 1];
      const quantified = next === '*' || next === '+' || next === '{';
      if (inner && quantified) return true;
      if ((inner || quantified) && groups.length > 0) groups[groups.length - 1] = true;
    } else if ((c === '*' || c === '+' || c === '{') && groups.length > 0) {
      groups[groups.length - 1] = true;
    }
  }
  return false;
}

function checkAllowed(problems: TriggerProblem[], path: string, list: readonly string[] | undefined, allowed: readonly string[]): void {
  if (!Array.isArray(list)) return;
  for (const v of list) {
    if (typeof v === 'string' && !allowed.includes(v)) problems.push({ path, message: `"${v}" is not one of ${allowed.join(', ')}` });
  }
}

/** The entries, or a function that loads them (the app's catalogue, loaded on first use). */
export type CatalogueSource = readonly PlaybookEntry[] | (() => readonly PlaybookEntry[]);

/**
 * The catalogue, checked once: a list is checked at once (so a test app with a bad catalogue fails when it
 * registers), a loader on its first call. An invalid catalogue throws, naming each problem.
 */
export function checkedCatalogue(source: CatalogueSource): () => readonly PlaybookEntry[] {
  let checked: readonly PlaybookEntry[] | undefined;
  const get = (): readonly PlaybookEntry[] => {
    if (checked) return checked;
    const entries = typeof source === 'function' ? source() : source;
    const problems = validateCatalogue(entries);
    if (problems.length > 0) {
      throw new Error(`The playbook catalogue is invalid: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
    }
    return (checked = entries);
  };
  if (typeof source !== 'function') get();
  return get;
}
