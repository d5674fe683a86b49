// Timer triggers: six-field NCRONTAB schedules (`{second} {minute} {hour} {day} {month} {day-of-week}`, UTC)
// or a TimeSpan (`hh:mm:ss`, `d.hh:mm:ss`), `%SETTING%` references, runOnStartup. Occurrences are driven by
// the host Clock, so a VirtualClock test fires them by advancing time. Like the Functions host, one function
// never overlaps itself: the next occurrence is planned when an invocation ends, after the current time.
import type { Clock } from './clock.js';
import type { Registrations } from './coreModule.js';
import { invokeTrigger, type ExtraInputProviders } from './http/invocation.js';
import type { HostLogger } from './log.js';
import { resolveSettingReferences } from './settings.js';

export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

export interface Schedule {
  readonly expression: string;
  /** The first occurrence strictly after `afterMs` (epoch ms), or undefined if there is none. */
  next(afterMs: number): number | undefined;
}

const monthNames = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const dayNames = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Offset of names[0]: months are numbered from 1, days of week from 0. */
  nameBase?: number;
}

const fieldSpecs: FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: monthNames, nameBase: 1 },
  { name: 'day-of-week', min: 0, max: 6, names: dayNames, nameBase: 0 },
];

function parseValue(text: string, spec: FieldSpec, expression: string): number {
  const upper = text.toUpperCase();
  const named = spec.names?.findIndex((n) => upper === n || upper === n.slice(0, 3)) ?? -1;
  const value = named >= 0 ? named + (spec.nameBase ?? 0) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= spec.min && value <= spec.max)) {
    throw new ScheduleError(
      `Schedule "${expression}": ${spec.name} value "${text}" is outside ${spec.min}-${spec.max}.`,
    );
  }
  return value;
}

/** Parses one field (`*`, `5`, `1-5`, `*\/15`, `10-40/10`, `3/5`, lists of these) into its allowed values. */
function parseField(text: string, spec: FieldSpec, expression: string): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const [rangeText, stepText, extra] = item.split('/');
    if (rangeText === undefined || rangeText === '' || extra !== undefined) {
      throw new ScheduleError(`Schedule "${expression}": ${spec.name} field "${text}" is malformed.`);
    }
    let step = 1;
    if (stepText !== undefined) {
      step = Number(stepText);
      if (!/^\d+$/.test(stepText) || step < 1) {
        throw new ScheduleError(`Schedule "${expression}": ${spec.name} step "${stepText}" must be a positive integer.`);
      }
    }
    let from: number;
    let to: number;
    if (rangeText === '*') {
      [from, to] = [spec.min, spec.max];
    } else if (rangeText.includes('-')) {
      const [a, b] = rangeText.split('-');
      from = parseValue(a ?? '', spec, expression);
      to = parseValue(b ?? '', spec, expression);
      if (from > to) throw new ScheduleError(`Schedule "${expression}": ${spec.name} range "${rangeText}" is reversed.`);
    } else {
      from = parseValue(rangeText, spec, expression);
      to = stepText !== undefined ? spec.max : from; // `3/5`: from 3 to the end, every 5
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

class CronSchedule implements Schedule {
  readonly expression: string;
  readonly #fields: Set<number>[];

  constructor(expression: string) {
    this.expression = expression;
    const parts = expression.trim().split(/\s+/);
    if (parts.length !== 6) {
      throw new ScheduleError(
        `Schedule "${expression}" must have six fields: {second} {minute} {hour} {day} {month} {day-of-week}.`,
      );
    }
    this.#fields = parts.map((part, i) => parseField(part, fieldSpecs[i]!, expression));
  }

  next(afterMs: number): number | undefined {
    const [seconds, minutes, hours, days, months, weekdays] = this.#fields as [
      Set<number>, Set<number>, Set<number>, Set<number>, Set<number>, Set<number>,
    ];
    const t = new Date(Math.floor(afterMs / 1000) * 1000 + 1000);
    const limit = afterMs + 5 * 366 * 86_400_000; // impossible dates (Feb 30) give up after five years
    while (t.getTime() <= limit) {
      if (!months.has(t.getUTCMonth() + 1)) {
        t.setUTCMonth(t.getUTCMonth() + 1, 1);
        t.setUTCHours(0, 0, 0);
      } else if (!days.has(t.getUTCDate()) || !weekdays.has(t.getUTCDay())) {
        t.setUTCDate(t.getUTCDate() + 1);
        t.setUTCHours(0, 0, 0);
      } else if (!hours.has(t.getUTCHours())) {
        t.setUTCHours(t.getUTCHours() + 1, 0, 0);
      } else if (!minutes.has(t.getUTCMinutes())) {
        t.setUTCMinutes(t.getUTCMinutes() + 1, 0);
      } else if (!seconds.has(t.getUTCSeconds())) {
        t.setUTCSeconds(t.getUTCSeconds() + 1);
      } else {
        return t.getTime();
      }
    }
    return undefined;
  }
}

class IntervalSchedule implements Schedule {
  readonly expression: string;
  readonly #intervalMs: number;

  constructor(expression: string, intervalMs: number) {
    this.expression = expression;
    this.#intervalMs = intervalMs;
  }

  next(afterMs: number): number {
    return afterMs + this.#intervalMs;
  }
}

/** Parses a schedule after `%SETTING%` references have been resolved. */
export function parseSchedule(expression: string): Schedule {
  const span = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(expression.trim());
  if (span) {
    const [, d, h, m, s] = span;
    const ms = (((Number(d ?? 0) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s)) * 1000;
    if (Number(m) > 59 || Number(s) > 59 || ms <= 0) {
      throw new ScheduleError(`Schedule "${expression}" is not a positive TimeSpan (hh:mm:ss).`);
    }
    return new IntervalSchedule(expression, ms);
  }
  return new CronSchedule(expression);
}

export interface TimerTriggersOptions {
  registrations: Registrations;
  clock: Clock;
  logger: HostLogger;
  extraInputs: ExtraInputProviders;
  env?: NodeJS.ProcessEnv;
}

interface TimerFunction {
  functionName: string;
  schedule: Schedule;
  runOnStartup: boolean;
  lastMs: number | undefined;
  cancel: (() => void) | undefined;
}

/** An occurrence that fires this much later than planned (a sleeping laptop) is reported as past due. */
const pastDueToleranceMs = 1000;

export class TimerTriggers {
  readonly #timers: TimerFunction[] = [];
  readonly #options: TimerTriggersOptions;
  readonly #running = new Set<Promise<void>>();
  #stopped = false;

  /**
   * Reads every timerTrigger's schedule. A bad schedule puts only that function in error, as the Functions host
   * does: it is logged, never runs, and the rest of the app (the incident webhook included) still starts.
   */
  constructor(options: TimerTriggersOptions) {
    this.#options = options;
    for (const [functionName, fn] of options.registrations.functions) {
      const trigger = Object.values(fn.metadata.bindings).find((b) => b.type === 'timerTrigger');
      if (!trigger) continue;
      let schedule: Schedule;
      try {
        schedule = parseSchedule(resolveSettingReferences(String(trigger.schedule ?? ''), options.env));
      } catch (err) {
        options.logger.error(`Timer function '${functionName}' is in error and will not run: ${(err as Error).message}`);
        continue;
      }
      this.#timers.push({ functionName, schedule, runOnStartup: trigger.runOnStartup === true, lastMs: undefined, cancel: undefined });
    }
  }

  start(): void {
    const now = this.#options.clock.now();
    for (const timer of this.#timers) {
      if (timer.runOnStartup) this.#fire(timer, now);
      else this.#plan(timer, now);
    }
  }

  /** Cancels future occurrences and waits for running invocations to end. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) timer.cancel?.();
    await Promise.allSettled([...this.#running]);
  }

  #plan(timer: TimerFunction, afterMs: number): void {
    if (this.#stopped) return;
    const at = timer.schedule.next(afterMs);
    if (at === undefined) {
      this.#options.logger.warn(`Timer function '${timer.functionName}': schedule "${timer.schedule.expression}" never occurs again.`);
      return;
    }
    timer.cancel = this.#options.clock.schedule(at, () => this.#fire(timer, at));
  }

  #fire(timer: TimerFunction, scheduledMs: number): void {
    if (this.#stopped) return;
    timer.cancel = undefined;
    const { clock } = this.#options;
    const now = clock.now();
    const next = timer.schedule.next(Math.max(now, scheduledMs));
    const input = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: {
        Last: new Date(timer.lastMs ?? scheduledMs).toISOString(),
        Next: next === undefined ? null : new Date(next).toISOString(),
        LastUpdated: new Date(now).toISOString(),
      },
      IsPastDue: now - scheduledMs > pastDueToleranceMs,
    };
    timer.lastMs = scheduledMs;
    const run = invokeTrigger(this.#options, timer.functionName, {
      type: 'timerTrigger',
      data: { json: JSON.stringify(input) },
    })
      .then(
        () => undefined,
        () => undefined, // already logged; the schedule goes on, as in Azure
      )
      .finally(() => {
        this.#running.delete(run);
        this.#plan(timer, clock.now());
      });
    this.#running.add(run);
  }
}
