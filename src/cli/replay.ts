// Replays an exported run history (`soar export`, GET /api/runs/{id}/history) against the current playbook
// code, through the local host's own replay machinery: the app's orchestrator is invoked with the history,
// and the actions it returns are checked against the history as the Durable extension checks them. A change
// that would break running instances fails with the non-determinism error naming the step.
//
// The exported history is the condensed form the Durable HTTP API returns (TaskScheduled folded into its
// completion). Scheduling order is rebuilt from the scheduled times; tasks scheduled in the same episode
// keep their completion order, so a parallel fan-out whose tasks finished out of order can be reported as
// a false divergence.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EventType, newEvent, type HistoryEvent } from '../host/durable/history.js';
import { replayHistory } from '../host/durable/replay.js';
import { registeredName } from '../host/invoke.js';
import { loadApp, type LoadedApp } from '../host/loadApp.js';

/** What `soar export` writes. */
export interface ExportedRun {
  format: string;
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input?: unknown;
  output?: unknown;
  customStatus?: unknown;
  historyEvents: Record<string, unknown>[];
}

export interface ReplayOptions {
  /** The app folder (package.json `main` names the built functions). Default: the current folder. */
  appDir?: string;
  /** Overrides package.json `main`, as startHost does. */
  main?: string;
}

export interface ReplayReport {
  ok: boolean;
  instanceId: string;
  orchestration: string;
  /** History events replayed (in the rebuilt, raw form). */
  events: number;
  message?: string;
}

export const EXPORT_FORMAT = 'soar-run-history/1';

export class ReplayError extends Error {
  override name = 'ReplayError';
}

/** Throws a ReplayError with the divergence when the current code cannot replay the recorded run. */
export async function assertReplays(historyFile: string, options: ReplayOptions = {}): Promise<void> {
  const report = await replayFile(historyFile, options);
  if (!report.ok) throw new ReplayError(`${path.basename(historyFile)}: ${report.message}`);
}

export async function replayFile(historyFile: string, options: ReplayOptions = {}): Promise<ReplayReport> {
  const exported = JSON.parse(await readFile(historyFile, 'utf8')) as ExportedRun;
  if (exported.format !== EXPORT_FORMAT || !Array.isArray(exported.historyEvents)) {
    throw new ReplayError(`${historyFile} is not a run history exported by soar export (format ${EXPORT_FORMAT}).`);
  }
  return replayRun(await loadOnce(options.appDir ?? process.cwd(), options.main), exported);
}

// An app's modules register their functions once per process (imports are cached), so each app is
// loaded once and its registrations reused by every replay.
const loaded = new Map<string, Promise<LoadedApp>>();

function loadOnce(appDir: string, main: string | undefined): Promise<LoadedApp> {
  const key = `${path.resolve(appDir)}|${main ?? ''}`;
  let app = loaded.get(key);
  if (!app) {
    app = loadApp(appDir, main ? { main } : {});
    loaded.set(key, app);
  }
  return app;
}

export async function replayRun(app: LoadedApp, run: ExportedRun): Promise<ReplayReport> {
  const base = { instanceId: run.instanceId, orchestration: run.name };
  if (registeredName(app.registrations, run.name) === undefined) {
    return { ...base, ok: false, events: 0, message: `the app no longer has an orchestration named '${run.name}'.` };
  }
  const history = rebuildHistory(run);
  const { episode, host: replay } = await replayHistory(app.registrations, run.name, history, { instanceId: run.instanceId, input: run.input ?? null });
  const report = { ...base, events: history.length };
  if (episode.kind === 'crash') return { ...report, ok: false, message: `the orchestrator crashed: ${episode.message}` };
  const state = episode.state;
  if (!replay) throw new Error('replayHistory returned an orchestrator state without the host check.');
  if (replay.failure) return { ...report, ok: false, message: replay.failure };
  if (state.error !== undefined && run.runtimeStatus !== 'Failed') {
    return { ...report, ok: false, message: `the orchestrator now fails where the recorded run did not: ${state.error}` };
  }
  if (run.runtimeStatus === 'Completed' && (replay.blocked || replay.newEvents.length > 0 || !state.isDone)) {
    const next = replay.newEvents.map((e) => `${e.Name ?? 'timer'}`).join(', ');
    return { ...report, ok: false, message: `the recorded run completed, but the orchestrator now goes on${next ? ` to schedule ${next}` : ''}.` };
  }
  return { ...report, ok: true };
}

/** The raw DTFx history (what the orchestrator and the extension replay) from the condensed export. */
export function rebuildHistory(run: ExportedRun): HistoryEvent[] {
  const events = run.historyEvents;
  const started = events.find((e) => e['EventType'] === 'ExecutionStarted');
  const startTs = ms(started?.['Timestamp']) ?? 0;
  const version = versionOf(run.customStatus) ?? versionOf(run.output);
  const history: HistoryEvent[] = [
    newEvent(EventType.OrchestratorStarted, startTs),
    newEvent(EventType.ExecutionStarted, startTs, { Name: run.name, Input: JSON.stringify(run.input ?? null), ...(version ? { Version: version } : {}) }),
  ];

  // Scheduling events, in the order they were scheduled, numbered as DTFx numbers them.
  interface Scheduled { at: number; order: number; event: Record<string, unknown> }
  const scheduled: Scheduled[] = [];
  events.forEach((e, order) => {
    const type = e['EventType'];
    if (type === 'TaskCompleted' || type === 'TaskFailed' || type === 'SubOrchestrationInstanceCompleted' || type === 'SubOrchestrationInstanceFailed') {
      scheduled.push({ at: ms(e['ScheduledTime']) ?? ms(e['Timestamp']) ?? 0, order, event: e });
    } else if (type === 'TimerCreated') {
      scheduled.push({ at: ms(e['Timestamp']) ?? 0, order, event: e });
    }
  });
  scheduled.sort((a, b) => a.at - b.at || a.order - b.order);
  const idOf = new Map<Record<string, unknown>, number>();
  const schedulingEvents: HistoryEvent[] = [];
  scheduled.forEach((s, id) => {
    idOf.set(s.event, id);
    const type = s.event['EventType'];
    const event =
      type === 'TimerCreated'
        ? newEvent(EventType.TimerCreated, s.at, { EventId: id, FireAt: String(s.event['FireAt']) })
        : type === 'TaskCompleted' || type === 'TaskFailed'
          ? newEvent(EventType.TaskScheduled, s.at, { EventId: id, Name: String(s.event['FunctionName'] ?? '') })
          : newEvent(EventType.SubOrchestrationInstanceCreated, s.at, {
              EventId: id, Name: String(s.event['FunctionName'] ?? ''), InstanceId: String(s.event['InstanceId'] ?? ''),
            });
    schedulingEvents.push(event);
  });

  // Each scheduling event goes in just before the first message that needs it (ids rise in schedule order).
  let emitted = 0;
  const emitThrough = (id: number): void => {
    for (; emitted <= id && emitted < schedulingEvents.length; emitted++) history.push(schedulingEvents[emitted]!);
  };
  const openTimers = scheduled.filter((s) => s.event['EventType'] === 'TimerCreated');
  let clock = startTs;
  for (const e of events) {
    const at = Math.max(clock, ms(e['Timestamp']) ?? clock);
    const inbound = inboundEvent(e, at, idOf, openTimers);
    if (!inbound) continue;
    emitThrough(inbound.TaskScheduledId ?? inbound.TimerId ?? -1);
    history.push(newEvent(EventType.OrchestratorCompleted, clock), newEvent(EventType.OrchestratorStarted, at), inbound);
    clock = at;
  }
  emitThrough(schedulingEvents.length - 1);
  return history;
}

function inboundEvent(
  e: Record<string, unknown>,
  at: number,
  idOf: Map<Record<string, unknown>, number>,
  openTimers: { event: Record<string, unknown> }[],
): HistoryEvent | undefined {
  switch (e['EventType']) {
    case 'TaskCompleted':
      return newEvent(EventType.TaskCompleted, at, { TaskScheduledId: idOf.get(e), Result: JSON.stringify(e['Result'] ?? null) });
    case 'SubOrchestrationInstanceCompleted':
      return newEvent(EventType.SubOrchestrationInstanceCompleted, at, { TaskScheduledId: idOf.get(e), Result: JSON.stringify(e['Result'] ?? null) });
    case 'TaskFailed':
    case 'SubOrchestrationInstanceFailed':
      return newEvent(e['EventType'] === 'TaskFailed' ? EventType.TaskFailed : EventType.SubOrchestrationInstanceFailed, at, {
        TaskScheduledId: idOf.get(e), Reason: String(e['Reason'] ?? ''), Details: String(e['Details'] ?? ''),
      });
    case 'TimerFired': {
      const i = openTimers.findIndex((t) => t.event['FireAt'] === e['FireAt']);
      if (i < 0) return undefined;
      const [timer] = openTimers.splice(i, 1);
      return newEvent(EventType.TimerFired, at, { TimerId: idOf.get(timer!.event), FireAt: String(e['FireAt']) });
    }
    case 'EventRaised':
      return newEvent(EventType.EventRaised, at, { Name: String(e['Name'] ?? ''), Input: e['Input'] === undefined ? null : JSON.stringify(e['Input']) });
    default:
      return undefined;
  }
}

function versionOf(value: unknown): string | undefined {
  const v = typeof value === 'object' && value !== null ? (value as { version?: unknown }).version : undefined;
  return typeof v === 'string' ? v : undefined;
}

function ms(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}
