// Route templates as the Functions host (ASP.NET Core routing) reads them: literal segments matched without
// regard to case, `{name}`, optional `{name?}`, defaults `{name=value}`, catch-all `{*rest}`, inline
// constraints `{id:int}`, `{x:alpha}`, `{n:range(1,9)}`..., and segments mixing text and parameters
// (`{name}.{ext}`). A value that fails a constraint makes the route not match.

export class RouteTemplateError extends Error {
  override name = 'RouteTemplateError';
}

type Constraint = (value: string) => boolean;

interface RouteParam {
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue: string | undefined;
  constraints: Constraint[];
}

export interface CompiledRoute {
  template: string;
  /** Per segment: 1 literal, 2 mixed, 3 constrained parameter, 4 parameter, 5 catch-all (lower wins). */
  precedence: number[];
  match(path: string): Record<string, string> | undefined;
}

type Part = { literal: string } | { param: RouteParam };

const int32 = /^-?\d+$/;

function integerIn(min: bigint, max: bigint): Constraint {
  return (v) => int32.test(v) && BigInt(v) >= min && BigInt(v) <= max;
}

const decimalNumber = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const floatNumber = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const hex = (n: number): string => `[0-9a-f]{${n}}`;
const guidBody = `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
const guid = new RegExp(`^(${guidBody}|\\{${guidBody}\\}|\\(${guidBody}\\)|${hex(32)})$`, 'i');

function numberArgs(name: string, args: string | undefined, count: number[]): number[] {
  const parts = (args ?? '').split(',').map((s) => s.trim());
  const numbers = parts.map(Number);
  if (!count.includes(parts.length) || numbers.some((n) => !Number.isFinite(n))) {
    throw new RouteTemplateError(`Constraint "${name}" needs ${count.join(' or ')} numeric argument(s), got "${args ?? ''}".`);
  }
  return numbers;
}

function constraintFor(name: string, args: string | undefined): Constraint {
  switch (name.toLowerCase()) {
    case 'int':
      return integerIn(-(2n ** 31n), 2n ** 31n - 1n);
    case 'long':
      return integerIn(-(2n ** 63n), 2n ** 63n - 1n);
    case 'bool':
      return (v) => /^(true|false)$/i.test(v);
    case 'guid':
      return (v) => guid.test(v);
    case 'alpha':
      return (v) => /^[a-z]+$/i.test(v);
    case 'decimal':
      return (v) => decimalNumber.test(v);
    case 'double':
    case 'float':
      return (v) => floatNumber.test(v);
    case 'datetime':
      return (v) => !Number.isNaN(Date.parse(v));
    case 'minlength': {
      const [min] = numberArgs(name, args, [1]) as [number];
      return (v) => v.length >= min;
    }
    case 'maxlength': {
      const [max] = numberArgs(name, args, [1]) as [number];
      return (v) => v.length <= max;
    }
    case 'length': {
      const n = numberArgs(name, args, [1, 2]);
      const [min, max] = n.length === 1 ? [n[0]!, n[0]!] : [n[0]!, n[1]!];
      return (v) => v.length >= min && v.length <= max;
    }
    case 'min': {
      const [min] = numberArgs(name, args, [1]) as [number];
      return (v) => int32.test(v) && Number(v) >= min;
    }
    case 'max': {
      const [max] = numberArgs(name, args, [1]) as [number];
      return (v) => int32.test(v) && Number(v) <= max;
    }
    case 'range': {
      const [min, max] = numberArgs(name, args, [2]) as [number, number];
      return (v) => int32.test(v) && Number(v) >= min && Number(v) <= max;
    }
    case 'regex': {
      if (!args) throw new RouteTemplateError('Constraint "regex" needs a pattern.');
      let pattern: RegExp;
      try {
        pattern = new RegExp(args, 'i');
      } catch (err) {
        throw new RouteTemplateError(`Constraint regex(${args}) is not a valid pattern: ${(err as Error).message}`);
      }
      return (v) => pattern.test(v);
    }
    default:
      throw new RouteTemplateError(`Unknown route constraint "${name}".`);
  }
}

/** Parses the text between `{` and `}`: `*name`, `name?`, `name=default`, `name:c1:c2(args)`. */
function parseParam(body: string, template: string): RouteParam {
  let rest = body;
  let catchAll = false;
  if (rest.startsWith('*')) {
    catchAll = true;
    rest = rest.replace(/^\*+/, '');
  }
  const nameMatch = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
  if (!nameMatch) throw new RouteTemplateError(`Route "${template}" has a parameter without a valid name: {${body}}.`);
  const name = nameMatch[0];
  rest = rest.slice(name.length);
  let optional = false;
  let defaultValue: string | undefined;
  const constraints: Constraint[] = [];
  while (rest.startsWith(':')) {
    const c = /^:([A-Za-z]+)/.exec(rest);
    if (!c) throw new RouteTemplateError(`Route "${template}" has a malformed constraint in {${body}}.`);
    rest = rest.slice(c[0].length);
    let args: string | undefined;
    if (rest.startsWith('(')) {
      const close = closingParen(rest);
      if (close < 0) throw new RouteTemplateError(`Route "${template}" has an unclosed "(" in {${body}}.`);
      args = rest.slice(1, close);
      rest = rest.slice(close + 1);
    }
    constraints.push(constraintFor(c[1]!, args));
  }
  if (rest === '?') optional = true;
  else if (rest.startsWith('=')) defaultValue = rest.slice(1);
  else if (rest !== '') throw new RouteTemplateError(`Route "${template}" has an unexpected "${rest}" in {${body}}.`);
  return { name, optional: optional || catchAll || defaultValue !== undefined, catchAll, defaultValue, constraints };
}

function closingParen(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Splits one segment into literal text and parameters; `{{` and `}}` are literal braces. */
function parseSegment(segment: string, template: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < segment.length) {
    const ch = segment[i]!;
    if ((ch === '{' || ch === '}') && segment[i + 1] === ch) {
      literal += ch;
      i += 2;
    } else if (ch === '{') {
      let depth = 0;
      let j = i + 1;
      for (; j < segment.length; j++) {
        if (segment[j] === '(') depth++;
        else if (segment[j] === ')') depth--;
        else if (segment[j] === '}' && depth === 0) {
          if (segment[j + 1] === '}') j++; // `}}` inside a regex constraint
          else break;
        }
      }
      if (j >= segment.length) throw new RouteTemplateError(`Route "${template}" has an unclosed "{".`);
      if (literal) parts.push({ literal });
      literal = '';
      const body = segment.slice(i + 1, j).replace(/\{\{/g, '{').replace(/\}\}/g, '}');
      parts.push({ param: parseParam(body, template) });
      i = j + 1;
    } else if (ch === '}') {
      throw new RouteTemplateError(`Route "${template}" has an unmatched "}".`);
    } else {
      literal += ch;
      i++;
    }
  }
  if (literal) parts.push({ literal });
  return parts;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compileRoute(template: string): CompiledRoute {
  const trimmed = template.replace(/^\/+|\/+$/g, '');
  const segments = trimmed === '' ? [] : trimmed.split('/');
  const params: RouteParam[] = [];
  const precedence: number[] = [];
  let pattern = '^';
  segments.forEach((segment, index) => {
    if (segment === '') throw new RouteTemplateError(`Route "${template}" has an empty segment.`);
    const parts = parseSegment(segment, template);
    const sep = index === 0 ? '' : '/';
    const only = parts.length === 1 ? parts[0]! : undefined;
    if (only && 'param' in only) {
      const p = only.param;
      if (p.catchAll && index !== segments.length - 1) {
        throw new RouteTemplateError(`Route "${template}": a catch-all parameter must be the last segment.`);
      }
      params.push(p);
      precedence.push(p.catchAll ? 5 : p.constraints.length > 0 ? 3 : 4);
      const capture = p.catchAll ? '(.*)' : '([^/]+)';
      pattern += p.optional ? `(?:${sep}${capture})?` : `${sep}${capture}`;
      return;
    }
    precedence.push(only ? 1 : 2);
    pattern += sep;
    for (const part of parts) {
      if ('literal' in part) pattern += escapeRegExp(part.literal);
      else {
        if (part.param.catchAll) throw new RouteTemplateError(`Route "${template}": a catch-all must fill its segment.`);
        params.push(part.param);
        pattern += part.param.optional ? '([^/]*)' : '([^/]+)';
      }
    }
  });
  const names = params.map((p) => p.name.toLowerCase());
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new RouteTemplateError(`Route "${template}" uses the parameter "${duplicate}" twice.`);
  const regex = new RegExp(pattern + '$', 'i');

  return {
    template,
    precedence,
    match(path: string): Record<string, string> | undefined {
      const m = regex.exec(path);
      if (!m) return undefined;
      const values: Record<string, string> = {};
      for (const [i, p] of params.entries()) {
        const raw = m[i + 1];
        if (raw === undefined || raw === '') {
          if (!p.optional) return undefined;
          if (p.defaultValue !== undefined) values[p.name] = p.defaultValue;
          continue;
        }
        const value = safeDecode(raw);
        if (!p.constraints.every((check) => check(value))) return undefined;
        values[p.name] = value;
      }
      return values;
    },
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Orders routes so that more specific templates are tried first, as ASP.NET Core's route precedence does. */
export function compareRoutes(a: CompiledRoute, b: CompiledRoute): number {
  const length = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < length; i++) {
    const diff = (a.precedence[i] ?? 0) - (b.precedence[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.template < b.template ? -1 : a.template > b.template ? 1 : 0;
}
