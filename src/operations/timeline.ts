// Derives a run's step timeline from its durable history. Two history shapes reach us: the raw DTFx
// events (numeric EventType, TaskScheduled + TaskCompleted pairs matched by id) and the condensed form
// Azure's Durable HTTP API returns with showHistory (string EventType, TaskScheduled folded into its
// completion as FunctionName + ScheduledTime). Both are first brought to the condensed form.

export type StepKind = 'action' | 'subOrchestration' | 'timer' | 'event';
export type StepStatus = 'running' | 'succeeded' | 'planned' | 'failed' | 'waiting';

export interface TimelineStep {
  kind: StepKind;
  /** Activity, sub-orchestration or event name as the durable history records it. */
  name: string;
  /** What a reader sees: the action's title when the activity is a known action. */
  title: string;
  status: StepStatus;
  startedAt: string;
  endedAt?: string;
  durationInMs?: number;
  /** Attempts of a retried action (1 when it ran once). */
  attempts: number;
  result?: unknown;
  error?: string;
}

export type TitleLookup = (activityName: string) => string | undefined;

const eventTypeNames = [
  'ExecutionStarted', 'ExecutionCompleted', 'ExecutionFailed', 'ExecutionTerminated', 'TaskScheduled',
  'TaskCompleted', 'TaskFailed', 'SubOrchestrationInstanceCreated', 'SubOrchestrationInstanceCompleted',
  'SubOrchestrationInstanceFailed', 'TimerCreated', 'TimerFired', 'OrchestratorStarted', 'OrchestratorCompleted',
  'EventSent', 'EventRaised', 'ContinueAsNew', 'GenericEvent', 'HistoryState', 'ExecutionSuspended',
  'ExecutionResumed',
] as const;

/** One history event in the condensed form (fields absent when they do not apply). */
interface CondensedEvent {
  EventType: string;
  Timestamp: string;
  FunctionName?: string;
  ScheduledTime?: string;
  Result?: unknown;
  Reason?: string;
  Details?: string;
  FailureDetails?: { ErrorMessage?: string };
  Name?: string;
  FireAt?: string;
  Input?: unknown;
}

type Raw = Record<string, unknown>;

const MAX_RESULT_CHARS = 4_000;

/** Brings raw DTFx history to the condensed form; condensed history passes through. */
export function condenseHistory(events: readonly unknown[]): CondensedEvent[] {
  const raw = events.filter((e): e is Raw => typeof e === 'object' && e !== null);
  const scheduled = new Map<number, Raw>();
  const out: CondensedEvent[] = [];
  for (const e of raw) {
    const type = eventTypeName(e['EventType']);
    const ts = isoOf(e['Timestamp']);
    if (type === undefined || ts === undefined) continue;
    const isRaw = typeof e['EventType'] === 'number';
    if (isRaw && (type === 'TaskScheduled' || type === 'SubOrchestrationInstanceCreated')) {
      scheduled.set(Number(e['EventId']), e);
      continue;
    }
    if (isRaw && (type === 'OrchestratorStarted' || type === 'OrchestratorCompleted')) continue;
    const c: CondensedEvent = { EventType: type, Timestamp: ts };
    copyString(e, c, 'FunctionName');
    copyString(e, c, 'ScheduledTime');
    copyString(e, c, 'Reason');
    copyString(e, c, 'Details');
    copyString(e, c, 'Name');
    const fireAt = isoOf(e['FireAt']);
    if (fireAt) c.FireAt = fireAt;
    if ('Result' in e) c.Result = e['Result'];
    if ('Input' in e) c.Input = e['Input'];
    const fd = e['FailureDetails'];
    if (typeof fd === 'object' && fd !== null && typeof (fd as Raw)['ErrorMessage'] === 'string') {
      c.FailureDetails = { ErrorMessage: (fd as Raw)['ErrorMessage'] as string };
    }
    if (isRaw && type === 'ExecutionStarted' && typeof e['Name'] === 'string') c.FunctionName = e['Name'];
    if (isRaw && (type.startsWith('Task') || type.startsWith('SubOrchestrationInstance'))) {
      const origin = scheduled.get(Number(e['TaskScheduledId']));
      if (origin) {
        c.FunctionName = typeof origin['Name'] === 'string' ? origin['Name'] : undefined;
        c.ScheduledTime = isoOf(origin['Timestamp']);
        scheduled.delete(Number(e['TaskScheduledId']));
      }
    }
    out.push(c);
  }
  // Scheduled work that has not completed yet is still running.
  for (const origin of scheduled.values()) {
    const type = eventTypeName(origin['EventType']);
    const ts = isoOf(origin['Timestamp']);
    if (type && ts) out.push({ EventType: type, Timestamp: ts, Name: String(origin['Name'] ?? '') });
  }
  return out;
}

/** The steps a run took, in the order they started. */
export function deriveTimeline(history: readonly unknown[], titleOf: TitleLookup): TimelineStep[] {
  const events = condenseHistory(history);
  const steps: TimelineStep[] = [];
  let lastFailed: TimelineStep | undefined; // a failed attempt that a retry may continue
  for (const e of events) {
    switch (e.EventType) {
      case 'TaskCompleted':
      case 'TaskFailed':
      case 'SubOrchestrationInstanceCompleted':
      case 'SubOrchestrationInstanceFailed': {
        const kind: StepKind = e.EventType.startsWith('Task') ? 'action' : 'subOrchestration';
        const name = e.FunctionName ?? '(unknown)';
        const failed = e.EventType.endsWith('Failed');
        const result = failed ? undefined : resultOf(e.Result);
        const status: StepStatus = failed ? 'failed' : isPlanned(result) ? 'planned' : 'succeeded';
        const retried = lastFailed && lastFailed.name === name && lastFailed.kind === kind ? lastFailed : undefined;
        const step: TimelineStep = retried ?? {
          kind, name, title: titleFor(kind, name, titleOf), status, startedAt: e.ScheduledTime ?? e.Timestamp, attempts: 0,
        };
        step.attempts += 1;
        step.status = status;
        finish(step, e.Timestamp);
        if (failed) step.error = errorOf(e);
        else {
          delete step.error;
          if (result !== undefined) step.result = result;
        }
        if (!retried) steps.push(step);
        lastFailed = failed ? step : undefined;
        break;
      }
      case 'TaskScheduled':
      case 'SubOrchestrationInstanceCreated': {
        const kind: StepKind = e.EventType === 'TaskScheduled' ? 'action' : 'subOrchestration';
        const name = e.Name ?? e.FunctionName ?? '(unknown)';
        if (lastFailed && lastFailed.name === name) {
          lastFailed.status = 'running';
          lastFailed.attempts += 1;
          delete lastFailed.endedAt;
          delete lastFailed.durationInMs;
        } else {
          steps.push({ kind, name, title: titleFor(kind, name, titleOf), status: 'running', startedAt: e.Timestamp, attempts: 1 });
        }
        lastFailed = undefined;
        break;
      }
      case 'TimerCreated': {
        // A timer right after a failed attempt is the retry back-off, part of that step.
        if (lastFailed) break;
        steps.push({ kind: 'timer', name: 'timer', title: `Wait until ${e.FireAt ?? '?'}`, status: 'waiting', startedAt: e.Timestamp, attempts: 1 });
        break;
      }
      case 'TimerFired': {
        if (lastFailed) break;
        const timer = [...steps].reverse().find((s) => s.kind === 'timer' && s.status === 'waiting' && s.title === `Wait until ${e.FireAt ?? '?'}`);
        if (timer) {
          timer.status = 'succeeded';
          finish(timer, e.Timestamp);
        }
        break;
      }
      case 'EventRaised': {
        const name = e.Name ?? '(event)';
        const step: TimelineStep = {
          kind: 'event', name, title: `Received event '${name}'`, status: 'succeeded', startedAt: e.Timestamp, endedAt: e.Timestamp,
          durationInMs: 0, attempts: 1,
        };
        const input = resultOf(e.Input);
        if (input !== undefined) step.result = input;
        steps.push(step);
        lastFailed = undefined;
        break;
      }
      default:
        break;
    }
  }
  return steps.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
}

function titleFor(kind: StepKind, name: string, titleOf: TitleLookup): string {
  if (kind === 'subOrchestration') return `Sub-playbook ${name}`;
  return titleOf(name) ?? name;
}

function finish(step: TimelineStep, endedAt: string): void {
  step.endedAt = endedAt;
  step.durationInMs = Math.max(0, Date.parse(endedAt) - Date.parse(step.startedAt));
}

function errorOf(e: CondensedEvent): string {
  const message = e.FailureDetails?.ErrorMessage ?? e.Reason ?? 'failed';
  return truncate(message, 2_000);
}

function isPlanned(result: unknown): boolean {
  return typeof result === 'object' && result !== null && (result as Raw)['planned'] === true;
}

/** Results arrive JSON-encoded (raw history) or parsed (condensed); large ones are cut for display. */
function resultOf(value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = value;
    }
  }
  const text = JSON.stringify(parsed);
  if (text !== undefined && text.length > MAX_RESULT_CHARS) return `${text.slice(0, MAX_RESULT_CHARS)}… (truncated)`;
  return parsed;
}

function eventTypeName(value: unknown): string | undefined {
  if (typeof value === 'number') return eventTypeNames[value];
  if (typeof value === 'string') return value;
  return undefined;
}

function isoOf(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function copyString<K extends 'FunctionName' | 'ScheduledTime' | 'Reason' | 'Details' | 'Name'>(from: Raw, to: CondensedEvent, key: K): void {
  const v = from[key];
  if (typeof v === 'string') to[key] = v;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
