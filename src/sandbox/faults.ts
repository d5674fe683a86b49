// Fault injection: rules matched against each request before its emulator runs, so a faulted request
// changes no state. A rule can answer with a status (429/5xx/403 with Retry-After), reset the connection, or
// add latency (and then let the request through), for a share of requests (`rate`, reproducible with `seed`)
// and/or a number of them (`count`).

import { z } from 'zod';

const regexString = z.string().min(1).refine(
  (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

const faultRuleSchema = z
  .object({
    /** Emulator name: 'sentinel', 'graph', 'acs', 'msi', 'github', 'azdo-dev', … */
    service: z.string().min(1).optional(),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
    /** Regular expression tested against the request path (mount included, query excluded). */
    pathPattern: regexString,
    status: z.number().int().min(400).max(599).optional(),
    retryAfterSeconds: z.number().min(0).max(3600).optional(),
    /** Error message in the reply (the service's error shape wraps it). */
    body: z.string().max(10_000).optional(),
    /** GitHub only: answer a 403 with the secondary-rate-limit wording (a github 429 always uses it). */
    secondaryRateLimit: z.literal(true).optional(),
    /** Destroy the connection instead of answering. */
    reset: z.literal(true).optional(),
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    /** Share of matching requests the rule hits, 0..1 (default 1). */
    rate: z.number().min(0).max(1).optional(),
    /** Hit at most this many requests, then stop matching. */
    count: z.number().int().positive().optional(),
    /** Seed for the rule's PRNG so `rate` picks the same requests on every run. */
    seed: z.number().int().optional(),
  })
  .strict()
  .refine((r) => r.status !== undefined || r.reset || r.latencyMs !== undefined, {
    message: 'a rule needs status, reset or latencyMs',
  })
  .refine((r) => !(r.status !== undefined && r.reset), { message: 'status and reset are exclusive' });

export type FaultRuleInput = z.input<typeof faultRuleSchema>;
export type FaultRule = z.output<typeof faultRuleSchema> & { id: number; hits: number };

/** mulberry32: a tiny seeded PRNG, good enough to pick requests reproducibly. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultRuleError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super('Invalid fault rule: ' + issues.map((i) => `${i.path || '(rule)'}: ${i.message}`).join('; '));
    this.name = 'FaultRuleError';
  }
}

/** Validates a rule; throws FaultRuleError naming each invalid field. */
export function parseFaultRule(input: unknown): z.output<typeof faultRuleSchema> {
  const parsed = faultRuleSchema.safeParse(input);
  if (!parsed.success) {
    throw new FaultRuleError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return parsed.data;
}

export class FaultInjector {
  private rules: { rule: FaultRule; pattern: RegExp; random: () => number }[] = [];
  private nextId = 1;

  /** Validates and adds a rule; throws FaultRuleError naming each invalid field. */
  add(input: unknown): FaultRule {
    const rule: FaultRule = { ...parseFaultRule(input), id: this.nextId++, hits: 0 };
    const random = rule.seed === undefined ? Math.random : seededRandom(rule.seed);
    this.rules.push({ rule, pattern: new RegExp(rule.pathPattern), random });
    return rule;
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r.rule }));
  }

  /** The first rule that hits this request (counting the hit), if any. */
  match(service: string, method: string, path: string): FaultRule | undefined {
    for (const { rule, pattern, random } of this.rules) {
      if (rule.service !== undefined && rule.service !== service) continue;
      if (rule.method !== undefined && rule.method !== method) continue;
      if (!pattern.test(path)) continue;
      if (rule.count !== undefined && rule.hits >= rule.count) continue;
      if (rule.rate !== undefined && random() >= rule.rate) continue;
      rule.hits++;
      return rule;
    }
    return undefined;
  }
}

/** The generic error code of each status, as ARM and ACS spell it. */
const STATUS_CODES: Record<number, string> = {
  400: 'BadRequest',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  412: 'PreconditionFailed',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/**
 * Error code and message a status fault answers with: GitHub's secondary-limit wording for a github 429, or a 403
 * that asks for it; a plain github 403 is a permission error, which clients must not retry.
 */
export function faultError(service: string, rule: FaultRule & { status: number }): { code: string; message: string } {
  const code = STATUS_CODES[rule.status] ?? `Status${rule.status}`;
  if (rule.body !== undefined) return { code, message: rule.body };
  if (service === 'github' && (rule.status === 429 || (rule.status === 403 && rule.secondaryRateLimit))) {
    return {
      code,
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
        'If you reach out to GitHub Support for help, please include the request ID.',
    };
  }
  if (service === 'github' && rule.status === 403) return { code, message: 'Resource not accessible by integration' };
  return { code, message: `Injected fault: ${rule.status} ${code}.` };
}
