// Which playbooks an incident starts, and why (or why none).
import type { IncidentData } from '../incident/model.js';
import { compileTitlePattern, type PlaybookEntry, type PlaybookTrigger } from './trigger.js';

export interface PlaybookMatch {
  entry: PlaybookEntry;
  /** One line per criterion that matched, e.g. 'severity High is one of High, Medium'. */
  reasons: string[];
}

export interface RoutingResult {
  matches: PlaybookMatch[];
  /** Set when nothing matched: each playbook and the first criterion it failed. */
  reason?: string;
}

type Verdict = { ok: true; reasons: string[] } | { ok: false; why: string };

const titlePatterns = new WeakMap<PlaybookTrigger, RegExp>();

export function matchPlaybooks(incident: IncidentData, catalogue: readonly PlaybookEntry[]): RoutingResult {
  const matches: PlaybookMatch[] = [];
  const misses: string[] = [];
  for (const entry of catalogue) {
    const verdict = evaluate(incident, entry.trigger);
    if (verdict.ok) matches.push({ entry, reasons: verdict.reasons });
    else misses.push(`${entry.name}: ${verdict.why}`);
  }
  if (matches.length > 0) return { matches };
  if (catalogue.length === 0) return { matches, reason: 'No playbooks are registered.' };
  return { matches, reason: `No playbook matched incident ${incident.number ?? incident.name}. ${misses.join('; ')}.` };
}

function evaluate(incident: IncidentData, trigger: PlaybookTrigger): Verdict {
  if (trigger.enabled === false) return { ok: false, why: 'disabled' };
  const reasons: string[] = [];
  const checks: (() => string | Verdict)[] = [
    () => anyOf('event type', [incident.eventType], trigger.eventTypes ?? ['Create']),
    () => anyOf('severity', [incident.severity], trigger.severities),
    () => anyOf('status', [incident.status], trigger.statuses),
    () => analyticRule(incident, trigger),
    () => anyOf('provider', [incident.provider], trigger.providerNames),
    () => anyOf('product', incident.productNames, trigger.productNames),
    () => anyOf('tactic', incident.tactics, trigger.tactics),
    () => anyOf('label', incident.labels.map((l) => l.name), trigger.labels),
    () => title(incident.title, trigger),
    () => entityKinds(incident, trigger.requiredEntityKinds),
    () => customDetails(incident, trigger.customDetails),
  ];
  for (const check of checks) {
    const result = check();
    if (typeof result === 'string') continue; // criterion not set
    if (!result.ok) return result;
    reasons.push(...result.reasons);
  }
  return { ok: true, reasons };
}

const NOT_SET = '';

function anyOf(what: string, actual: readonly string[], wanted: readonly string[] | undefined): string | Verdict {
  if (wanted === undefined) return NOT_SET;
  const lower = new Set(wanted.map((w) => w.toLowerCase()));
  const hit = actual.find((a) => lower.has(a.toLowerCase()));
  if (hit !== undefined) return { ok: true, reasons: [`${what} ${hit} is one of ${wanted.join(', ')}`] };
  const shown = actual.length === 0 ? 'none' : actual.join(', ');
  return { ok: false, why: `${what} ${shown} is not one of ${wanted.join(', ')}` };
}

/**
 * Rule ids and rule names are one criterion: either may match. A rule created from a shipped template gets an id of
 * its own, so a playbook names shipped rules by display name and its own rules by id.
 */
function analyticRule(incident: IncidentData, trigger: PlaybookTrigger): string | Verdict {
  const byId = anyOf('analytic rule', incident.analyticRuleGuids, trigger.analyticRuleIds?.map(ruleGuid));
  const byName = anyOf('analytic rule name', incident.analyticRuleNames, trigger.analyticRuleNames);
  if (typeof byId === 'string') return byName;
  if (typeof byName === 'string' || byId.ok) return byId;
  if (byName.ok) return byName;
  return { ok: false, why: `${byId.why}, and ${byName.why}` };
}

function title(value: string, trigger: PlaybookTrigger): string | Verdict {
  if (trigger.titlePattern === undefined) return NOT_SET;
  let re = titlePatterns.get(trigger);
  if (!re) {
    re = compileTitlePattern(trigger.titlePattern);
    titlePatterns.set(trigger, re);
  }
  return re.test(value)
    ? { ok: true, reasons: [`title matches /${trigger.titlePattern}/i`] }
    : { ok: false, why: `title does not match /${trigger.titlePattern}/i` };
}

function entityKinds(incident: IncidentData, required: readonly string[] | undefined): string | Verdict {
  if (required === undefined) return NOT_SET;
  const present = new Set(incident.entities.map((e) => e.kind.toLowerCase()));
  const missing = required.filter((k) => !present.has(k.toLowerCase()));
  return missing.length === 0
    ? { ok: true, reasons: [`has entities of kind ${required.join(', ')}`] }
    : { ok: false, why: `no ${missing.join(', ')} entity` };
}

function customDetails(incident: IncidentData, wanted: PlaybookTrigger['customDetails']): string | Verdict {
  if (wanted === undefined) return NOT_SET;
  const reasons: string[] = [];
  for (const [name, accepted] of Object.entries(wanted)) {
    const values = detailValues(incident, name);
    if (values.length === 0) return { ok: false, why: `no custom detail ${name}` };
    if (accepted.length === 0) {
      reasons.push(`custom detail ${name} is present`);
      continue;
    }
    const lower = new Set(accepted.map((a) => a.toLowerCase()));
    const hit = values.find((v) => lower.has(v.toLowerCase()));
    if (hit === undefined) return { ok: false, why: `custom detail ${name} ${values.join(', ')} is not one of ${accepted.join(', ')}` };
    reasons.push(`custom detail ${name} ${hit} is one of ${accepted.join(', ')}`);
  }
  return { ok: true, reasons };
}

function detailValues(incident: IncidentData, name: string): string[] {
  const wanted = name.toLowerCase();
  return incident.alerts.flatMap((a) =>
    Object.entries(a.customDetails).flatMap(([key, values]) => (key.toLowerCase() === wanted ? values : [])),
  );
}

/** A rule GUID from a GUID or an alertRules ARM id, lower-case. */
export function ruleGuid(idOrGuid: string): string {
  const parts = idOrGuid.split('/').filter((s) => s !== '');
  return (parts[parts.length - 1] ?? idOrGuid).toLowerCase();
}
