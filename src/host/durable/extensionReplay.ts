// The extension's side of an episode. In Azure, the .NET shim re-issues every action the JS orchestrator
// returned, in order, awaiting each one (OutOfProcOrchestrationShim.ProcessAsyncActionsV2), against a DTFx
// context that replays the history: DTFx numbers each scheduled task, retry timer and long-timer slice with
// the next sequence id, checks replayed scheduling events against history, and records new ones. This module
// simulates exactly that over the stored history, so the host derives the same ids and the same new work,
// and detects non-determinism (the JS replay never checks scheduling events).
import {
  ActionType,
  actionTypeName,
  decodeProcessedInput,
  EventType,
  eventTypeName,
  newEvent,
  toJsonText,
  type HistoryEvent,
  type WireAction,
  type WireRetryOptions,
} from './history.js';

export interface ExtensionReplayOptions {
  /** The current execution's id: DTFx names a sub-orchestration started without an id `<executionId>:<taskId>`. */
  executionId: string;
  /** The current episode's time (its OrchestratorStarted timestamp). */
  nowMs: number;
  maximumShortTimerMs: number;
  longRunningTimerIntervalMs: number;
}

export interface ExtensionReplayResult {
  /** Scheduling events for ids beyond the history (TaskScheduled, TimerCreated, SubOrchestrationInstanceCreated). */
  newEvents: HistoryEvent[];
  /** True when an issued action is still waiting: the shim has not reached the end of the actions. */
  blocked: boolean;
  /** JSON text of the new input when a ContinueAsNew action was reached. */
  continueAsNewInput: string | undefined;
  /** The non-determinism (or unsupported action) message, if replay diverged from history. */
  failure: string | undefined;
}

/** A DTFx task as the shim awaits it. */
class ShadowTask {
  done = false;
  failed = false;
  #listeners: ((task: ShadowTask) => void)[] = [];

  onDone(listener: (task: ShadowTask) => void): void {
    if (this.done) listener(this);
    else this.#listeners.push(listener);
  }

  finish(failed: boolean): void {
    if (this.done) return;
    this.done = true;
    this.failed = failed;
    for (const listener of this.#listeners.splice(0)) listener(this);
  }
}

class ReplayDiverged extends Error {}

const schedulingEventTypes = new Set<number>([
  EventType.TaskScheduled,
  EventType.TimerCreated,
  EventType.SubOrchestrationInstanceCreated,
]);

export function replayActions(
  history: readonly HistoryEvent[],
  actions: readonly WireAction[],
  options: ExtensionReplayOptions,
): ExtensionReplayResult {
  return new ExtensionReplay(history, actions, options).run();
}

class ExtensionReplay {
  readonly #history: readonly HistoryEvent[];
  readonly #actions: readonly WireAction[];
  readonly #options: ExtensionReplayOptions;
  readonly #scheduledInHistory = new Map<number, HistoryEvent>();
  readonly #issued = new Set<number>();
  readonly #open = new Map<number, ShadowTask>();
  readonly #eventWaiters = new Map<string, ShadowTask[]>();
  readonly #bufferedEvents = new Map<string, number>();
  readonly #newEvents: HistoryEvent[] = [];
  #nextId = 0;
  #currentTime = 0;
  #actionIndex = 0;
  #blocked = false;
  #continueAsNewInput: string | undefined;

  constructor(history: readonly HistoryEvent[], actions: readonly WireAction[], options: ExtensionReplayOptions) {
    this.#history = history;
    this.#actions = actions;
    this.#options = options;
    for (const event of history) {
      if (schedulingEventTypes.has(event.EventType)) this.#scheduledInHistory.set(event.EventId, event);
    }
  }

  run(): ExtensionReplayResult {
    let failure: string | undefined;
    try {
      for (const event of this.#history) this.#process(event);
    } catch (err) {
      if (!(err instanceof ReplayDiverged)) throw err;
      failure = err.message;
    }
    return {
      newEvents: failure ? [] : this.#newEvents,
      blocked: this.#blocked,
      continueAsNewInput: this.#continueAsNewInput,
      failure,
    };
  }

  #process(event: HistoryEvent): void {
    switch (event.EventType) {
      case EventType.OrchestratorStarted: {
        const ts = Date.parse(event.Timestamp);
        if (ts > this.#currentTime) this.#currentTime = ts;
        break;
      }
      case EventType.ExecutionStarted:
        this.#issueNext();
        break;
      case EventType.TaskScheduled:
      case EventType.TimerCreated:
      case EventType.SubOrchestrationInstanceCreated:
        if (!this.#issued.has(event.EventId)) {
          throw new ReplayDiverged(
            `Non-deterministic workflow detected: at step ${event.EventId} history has ${describeEvent(event)} ` +
              `but the orchestrator no longer schedules it. Was the orchestrator code changed while this instance was running?`,
          );
        }
        break;
      case EventType.TaskCompleted:
      case EventType.SubOrchestrationInstanceCompleted:
        this.#complete(event.TaskScheduledId, false);
        break;
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceFailed:
        this.#complete(event.TaskScheduledId, true);
        break;
      case EventType.TimerFired:
        this.#complete(event.TimerId, false);
        break;
      case EventType.EventRaised:
        this.#deliverEvent(event.Name ?? '');
        break;
      default:
        break;
    }
  }

  #complete(id: number | undefined, failed: boolean): void {
    if (id === undefined) return;
    const task = this.#open.get(id);
    if (!task) return; // a canceled timer, or a duplicate: DTFx ignores it too
    this.#open.delete(id);
    task.finish(failed);
  }

  #deliverEvent(name: string): void {
    const waiter = this.#eventWaiters.get(name)?.shift();
    if (waiter) waiter.finish(false);
    else this.#bufferedEvents.set(name, (this.#bufferedEvents.get(name) ?? 0) + 1);
  }

  /** The shim's loop: issue each action, and wait for it before issuing the next. */
  #issueNext(): void {
    while (!this.#blocked && this.#actionIndex < this.#actions.length) {
      const task = this.#issue(this.#actions[this.#actionIndex++]!);
      if (!task.done) {
        this.#blocked = true;
        task.onDone(() => {
          this.#blocked = false;
          this.#issueNext();
        });
      }
    }
  }

  #issue(action: WireAction): ShadowTask {
    switch (action.actionType) {
      case ActionType.CallActivity:
        return this.#scheduleActivity(action);
      case ActionType.CallActivityWithRetry:
        return this.#withRetry(action, () => this.#scheduleActivity(action));
      case ActionType.CallSubOrchestrator:
        return this.#scheduleSubOrchestration(action);
      case ActionType.CallSubOrchestratorWithRetry:
        return this.#withRetry(action, () => this.#scheduleSubOrchestration(action));
      case ActionType.CreateTimer:
        return this.#createTimer(action);
      case ActionType.WaitForExternalEvent:
        return this.#waitForEvent(action.externalEventName ?? '');
      case ActionType.WhenAll:
        return whenAll((action.compoundActions ?? []).map((child) => this.#issue(child)));
      case ActionType.WhenAny:
        return whenAny((action.compoundActions ?? []).map((child) => this.#issue(child)));
      case ActionType.ContinueAsNew: {
        this.#continueAsNewInput = toJsonText(decodeProcessedInput(action.input));
        return doneTask();
      }
      default:
        throw new ReplayDiverged(
          `The local host does not support the ${actionTypeName(action.actionType)} action ` +
            `(durable entities and durable HTTP calls are not emulated).`,
        );
    }
  }

  #scheduleActivity(action: WireAction): ShadowTask {
    return this.#schedule(action, (id, ts) =>
      newEvent(EventType.TaskScheduled, ts, {
        EventId: id,
        Name: action.functionName ?? '',
        Input: toJsonText(decodeProcessedInput(action.input)),
      }),
    );
  }

  #scheduleSubOrchestration(action: WireAction): ShadowTask {
    return this.#schedule(action, (id, ts) =>
      newEvent(EventType.SubOrchestrationInstanceCreated, ts, {
        EventId: id,
        Name: action.functionName ?? '',
        // DTFx (CreateSubOrchestrationInstanceCore): an id that is null or white space becomes
        // `<ExecutionId>:<taskId>`, so each execution of a continued-as-new parent names its children anew.
        InstanceId: action.instanceId?.trim() ? action.instanceId : `${this.#options.executionId}:${id}`,
        Input: toJsonText(action.input),
        ...(action.version ? { Version: action.version } : {}),
      }),
    );
  }

  #scheduleTimer(action: WireAction, fireAtMs: number): ShadowTask {
    return this.#schedule(action, (id, ts) =>
      newEvent(EventType.TimerCreated, ts, { EventId: id, FireAt: new Date(fireAtMs).toISOString() }),
    );
  }

  /** Takes the next sequence id; checks it against history, or records a new scheduling event. */
  #schedule(action: WireAction, build: (id: number, timestampMs: number) => HistoryEvent): ShadowTask {
    const id = this.#nextId++;
    const event = build(id, this.#options.nowMs);
    const prior = this.#scheduledInHistory.get(id);
    if (prior) {
      if (prior.EventType !== event.EventType || (prior.Name ?? '') !== (event.Name ?? '')) {
        throw new ReplayDiverged(
          `Non-deterministic workflow detected: at step ${id} the orchestrator now schedules ${describeAction(action)} ` +
            `but history has ${describeEvent(prior)}. Was the orchestrator code changed while this instance was running?`,
        );
      }
    } else {
      this.#newEvents.push(event);
    }
    this.#issued.add(id);
    const task = new ShadowTask();
    this.#open.set(id, task);
    return task;
  }

  /** DTFx RetryInterceptor: after each failed attempt a retry timer, also after the last one. */
  #withRetry(action: WireAction, attempt: () => ShadowTask): ShadowTask {
    const options = action.retryOptions as WireRetryOptions;
    const outer = new ShadowTask();
    let attemptNumber = 1;
    const run = (): void => {
      attempt().onDone((result) => {
        if (!result.failed) {
          outer.finish(false);
          return;
        }
        const delay = retryDelayMs(options, attemptNumber);
        attemptNumber++;
        this.#scheduleTimer({ actionType: ActionType.CreateTimer }, this.#currentTime + delay).onDone(() => {
          if (attemptNumber > options.maxNumberOfAttempts) outer.finish(true);
          else run();
        });
      });
    };
    run();
    return outer;
  }

  /**
   * A timer. One longer than maximumShortTimer becomes a chain of sub-timers, each with its own id, as the
   * extension's CreateTimer loop makes it (DurableOrchestrationContext): the first at now + the long-running
   * interval, and after each fires, while now < fireAt, the next at now + min(remaining, interval). A
   * 10-day timer fires at days 3, 6, 9 and 10.
   */
  #createTimer(action: WireAction): ShadowTask {
    const fireAtMs = Date.parse(action.fireAt ?? '');
    const { maximumShortTimerMs, longRunningTimerIntervalMs } = this.#options;
    const long = fireAtMs - this.#currentTime > maximumShortTimerMs;
    const first = this.#scheduleTimer(action, long ? this.#currentTime + longRunningTimerIntervalMs : fireAtMs);
    if (action.isCanceled) {
      // The shim creates the timer, then cancels it at once: the id is used, the await ends immediately.
      return doneTask();
    }
    if (!long) return first;
    const outer = new ShadowTask();
    const onSubTimerFired = (): void => {
      const remaining = fireAtMs - this.#currentTime;
      if (remaining <= 0) {
        outer.finish(false);
        return;
      }
      this.#scheduleTimer(action, this.#currentTime + Math.min(remaining, longRunningTimerIntervalMs)).onDone(onSubTimerFired);
    };
    first.onDone(onSubTimerFired);
    return outer;
  }

  #waitForEvent(name: string): ShadowTask {
    const task = new ShadowTask();
    const buffered = this.#bufferedEvents.get(name) ?? 0;
    if (buffered > 0) {
      this.#bufferedEvents.set(name, buffered - 1);
      task.finish(false);
    } else {
      const waiters = this.#eventWaiters.get(name) ?? [];
      waiters.push(task);
      this.#eventWaiters.set(name, waiters);
    }
    return task;
  }
}

/** DTFx ComputeNextDelay: first * coefficient^(attempt-1), capped by maxRetryInterval. */
export function retryDelayMs(options: WireRetryOptions, attemptNumber: number): number {
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(options.backoffCoefficient ?? 1, attemptNumber - 1);
  const cap = options.maxRetryIntervalInMilliseconds;
  return cap !== undefined && cap > 0 && delay > cap ? cap : delay;
}

function doneTask(): ShadowTask {
  const task = new ShadowTask();
  task.finish(false);
  return task;
}

/** .NET Task.WhenAll: completes when every child has completed, faulted if any faulted. */
function whenAll(children: ShadowTask[]): ShadowTask {
  const outer = new ShadowTask();
  let remaining = children.length;
  let failed = false;
  if (remaining === 0) outer.finish(false);
  for (const child of children) {
    child.onDone((c) => {
      failed ||= c.failed;
      if (--remaining === 0) outer.finish(failed);
    });
  }
  return outer;
}

/** .NET Task.WhenAny: completes (successfully) with the first child to complete. */
function whenAny(children: ShadowTask[]): ShadowTask {
  const outer = new ShadowTask();
  for (const child of children) child.onDone(() => outer.finish(false));
  return outer;
}

function describeAction(action: WireAction): string {
  const name = action.functionName ? ` '${action.functionName}'` : '';
  return `<${actionTypeName(action.actionType)}${name}>`;
}

function describeEvent(event: HistoryEvent): string {
  const name = event.Name ? ` '${event.Name}'` : '';
  return `<${eventTypeName(event.EventType)}${name}>`;
}
