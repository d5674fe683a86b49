// The local host's logger: one readable line per invocation and per orchestration state change, with every
// secret redacted before a line is written or kept. Silent mode keeps the lines in memory for tests.
import type { InvocationLog } from './invoke.js';

export type HostLogLevel = 'debug' | 'info' | 'warn' | 'error';

const levelRank: Record<HostLogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Settings whose values are secrets: their values are redacted wherever they appear. */
export const secretSettingName = /KEY|SECRET|TOKEN|PASSWORD|CONNECTION|HEADER/i;

/** Shortest setting value treated as a secret; shorter values ("1", "on") would blank out ordinary words. */
const minSecretLength = 4;

export const redactedMark = '[REDACTED]';

// Token shapes that are secrets wherever they appear, whatever setting (if any) they came from.
const tokenPatterns: RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9]{16,}/g, // GitHub classic tokens (ghp_, gho_, ghu_, ghs_, ghr_)
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g, // GitHub fine-grained tokens
  /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, // JWTs (header.payload.signature)
];

// Named carriers of secrets: the value after them is redacted. Each keeps its first group and replaces the rest.
const carrierPatterns: RegExp[] = [
  /([?&;\s]code=)[^&\s"';]+/gi, // function keys in a query string
  /(\bx-functions-key["']?\s*[:=]\s*["']?)[^"'\s,}]+/gi,
  /(\bauthorization["']?\s*[:=]\s*["']?)[^"',}\r\n]+/gi, // the whole value, scheme included
  /(\bsig=)[^&\s"';]+/gi, // SAS signatures
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces secrets in free text: known values first (longest first), then token shapes and carriers. */
export class Redactor {
  #values = new Set<string>();
  #valuePattern: RegExp | undefined;

  /** Treats each value as a secret from now on. */
  addValues(values: Iterable<string | undefined>): void {
    let changed = false;
    for (const value of values) {
      if (value === undefined || value.length < minSecretLength || this.#values.has(value)) continue;
      this.#values.add(value);
      changed = true;
    }
    if (changed) {
      const alternatives = [...this.#values].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.#valuePattern = new RegExp(alternatives.join('|'), 'g');
    }
  }

  /** Adds the values of every setting whose name marks it as a secret. */
  addSecretSettings(settings: Record<string, string | undefined>): void {
    this.addValues(
      Object.entries(settings)
        .filter(([name]) => secretSettingName.test(name))
        .map(([, value]) => value),
    );
  }

  redact(text: string): string {
    let out = this.#valuePattern ? text.replace(this.#valuePattern, redactedMark) : text;
    for (const pattern of tokenPatterns) out = out.replace(pattern, redactedMark);
    for (const pattern of carrierPatterns) out = out.replace(pattern, `$1${redactedMark}`);
    return out;
  }
}

export interface HostLoggerOptions {
  /** 'console' writes lines to stdout/stderr; 'silent' only keeps them in `lines`. */
  mode?: 'console' | 'silent';
  /** Lines below this level are dropped. Default 'info'. */
  level?: HostLogLevel;
  redactor?: Redactor;
}

export type InvocationOutcome = 'Succeeded' | 'Failed';

/**
 * The host's logger. Its `info`/`warn`/`error` methods are the 3-method shape the durable engine takes.
 * Every line passes through the redactor, so callers may log freely formatted text.
 */
export class HostLogger {
  readonly redactor: Redactor;
  readonly #mode: 'console' | 'silent';
  readonly #minRank: number;
  readonly #lines: string[] = [];

  constructor(options: HostLoggerOptions = {}) {
    this.#mode = options.mode ?? 'console';
    this.#minRank = levelRank[options.level ?? 'info'];
    this.redactor = options.redactor ?? new Redactor();
  }

  /** Lines kept in silent mode (console mode keeps none, so a long-running host does not grow). */
  get lines(): readonly string[] {
    return this.#lines;
  }

  debug(message: string): void {
    this.write('debug', message);
  }

  info(message: string): void {
    this.write('info', message);
  }

  warn(message: string): void {
    this.write('warn', message);
  }

  error(message: string): void {
    this.write('error', message);
  }

  /** The one line per function invocation: `Executed 'name' (Succeeded, Id=…, Duration=12ms)`. */
  executed(functionName: string, invocationId: string, outcome: InvocationOutcome, durationMs: number): void {
    const line = `Executed '${functionName}' (${outcome}, Id=${invocationId}, Duration=${Math.round(durationMs)}ms)`;
    this.write(outcome === 'Failed' ? 'error' : 'info', line);
  }

  write(level: HostLogLevel, message: string): void {
    if (levelRank[level] < this.#minRank) return;
    const tag = level === 'info' ? '' : `${level.toUpperCase()} `;
    const line = `[${new Date().toISOString()}] ${tag}${this.redactor.redact(message)}`;
    if (this.#mode === 'silent') {
      this.#lines.push(line);
      return;
    }
    if (level === 'error' || level === 'warn') process.stderr.write(line + '\n');
    else process.stdout.write(line + '\n');
  }
}

/** Routes one invocation's `context.log` lines (and the library's) to the logger, as `[functionName] message`. */
export function invocationLog(logger: HostLogger, functionName: string): InvocationLog {
  return (level, _category, message) => {
    const hostLevel = fromWorkerLevel(level);
    if (hostLevel) logger.write(hostLevel, `[${functionName}] ${message}`);
  };
}

/** Maps the worker's log levels (what `context.log` and the library emit) to the host's. */
export function fromWorkerLevel(level: string): HostLogLevel | undefined {
  switch (level) {
    case 'trace':
    case 'debug':
      return 'debug';
    case 'information':
      return 'info';
    case 'warning':
      return 'warn';
    case 'error':
    case 'critical':
      return 'error';
    default:
      return undefined; // 'none'
  }
}
