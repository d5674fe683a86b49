// Small helpers the Azure-style emulators share: JSON bodies, validation issues, time and etags.

import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { SandboxReply, SandboxRequest } from '../emulator.js';

export type ErrorReply = (status: number, code: string, message: string) => SandboxReply;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reply: SandboxReply };

/** Parses the JSON body against `schema`; a bad body is a 400 naming each invalid path. */
export function parseBody<S extends z.ZodType>(
  req: SandboxRequest,
  schema: S,
  errorReply: ErrorReply,
  invalidJsonCode = 'InvalidRequestContent',
): Parsed<z.output<S>> {
  let raw: unknown;
  try {
    raw = JSON.parse(req.body.toString('utf8') || 'null');
  } catch {
    return { ok: false, reply: errorReply(400, invalidJsonCode, 'The request content was invalid and could not be deserialized.') };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`);
  return { ok: false, reply: errorReply(400, 'BadRequest', `The request body is invalid. ${issues.join('; ')}`) };
}

export const isoNow = (nowMs: number): string => new Date(nowMs).toISOString();

/** An ARM-style quoted etag. */
export const newEtag = (): string => `"${randomUUID()}"`;

/** Etags compare without quotes and weak prefixes. */
export const sameEtag = (a: string, b: string): boolean => {
  const bare = (e: string) => e.replace(/^W\//, '').replace(/"/g, '');
  return bare(a) === bare(b);
};
