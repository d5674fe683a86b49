// Parsing JSON that an outside party wrote (incident bodies, custom details). JSON.parse never evaluates
// anything, but its objects inherit from Object.prototype and keep keys such as "__proto__" as own
// properties, which later merges (spread, Object.assign, lodash-style deep merges) turn into prototype
// pollution. So every object is rebuilt with a null prototype and the three dangerous keys are dropped,
// and nesting is bounded before parsing so that no later recursive walk can blow the stack.

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export const MAX_JSON_DEPTH = 64;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export class UntrustedJsonError extends Error {
  override name = 'UntrustedJsonError';
}

/** Parses `text`; throws UntrustedJsonError (message safe to show the sender) when it is not acceptable JSON. */
export function parseUntrustedJson(text: string, maxDepth = MAX_JSON_DEPTH): JsonValue {
  const depth = nestingDepth(text);
  if (depth > maxDepth) {
    throw new UntrustedJsonError(`JSON is nested deeper than ${maxDepth} levels.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UntrustedJsonError(`Body is not valid JSON: ${(err as Error).message.slice(0, 200)}`);
  }
  return sanitiseJson(parsed);
}

/** True for the keys that must never be copied from untrusted data into an object. */
export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

/** Deep copy of a JSON.parse result: null-prototype objects, forbidden keys dropped. Depth must be bounded. */
export function sanitiseJson(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) {
    const out: JsonValue[] = new Array<JsonValue>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = sanitiseJson(value[i]);
    return out;
  }
  if (typeof value === 'object') {
    const out: JsonObject = Object.create(null) as JsonObject;
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) continue;
      out[key] = sanitiseJson((value as Record<string, unknown>)[key]);
    }
    return out;
  }
  return null;
}

/** Maximum bracket nesting of a JSON text, ignoring brackets inside strings. Linear, no allocation. */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return max;
}
