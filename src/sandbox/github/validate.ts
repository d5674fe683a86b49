// GitHub's request-schema checks, worded as GitHub words its 422 "Invalid request." lines.

type Kind = 'boolean' | 'string' | 'integer' | 'array' | 'object';

function isKind(value: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

/** Collects problems for one request body; `path` names the nesting, e.g. 'properties/archived'. */
export class BodyCheck {
  readonly problems: string[] = [];

  /** Checks `body[key]` when present (or required): type, nullability and allowed values. */
  field(
    body: Record<string, unknown>,
    key: string,
    kind: Kind,
    options: { required?: boolean; nullable?: boolean; oneOf?: readonly string[]; min?: number; max?: number; path?: string } = {},
  ): boolean {
    const path = options.path ?? 'properties';
    if (!(key in body)) {
      if (options.required) this.problems.push(`"${key}" wasn't supplied.`);
      return false;
    }
    const value = body[key];
    if (value === null) {
      if (!options.nullable) this.problems.push(`For '${path}/${key}', nil is not ${article(kind)}.`);
      return false;
    }
    if (!isKind(value, kind)) {
      this.problems.push(`For '${path}/${key}', ${JSON.stringify(value)} is not ${article(kind)}.`);
      return false;
    }
    if (options.oneOf && !options.oneOf.includes(value as string)) {
      this.problems.push(`For '${path}/${key}', ${JSON.stringify(value)} is not a member of [${options.oneOf.map((v) => JSON.stringify(v)).join(', ')}].`);
      return false;
    }
    if (kind === 'integer' && ((options.min !== undefined && (value as number) < options.min) || (options.max !== undefined && (value as number) > options.max))) {
      this.problems.push(`For '${path}/${key}', ${String(value)} is out of range [${options.min ?? '-∞'}, ${options.max ?? '∞'}].`);
      return false;
    }
    return true;
  }

  /** Checks that every element of `body[key]` (already known to be an array) is a string. */
  strings(body: Record<string, unknown>, key: string, path = 'properties'): void {
    (body[key] as unknown[]).forEach((item, index) => {
      if (typeof item !== 'string') this.problems.push(`For '${path}/${key}/${index}', ${JSON.stringify(item)} is not a string.`);
    });
  }
}

function article(kind: Kind): string {
  return kind === 'integer' || kind === 'array' || kind === 'object' ? `an ${kind}` : `a ${kind}`;
}
