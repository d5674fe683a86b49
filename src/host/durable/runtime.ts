// The local host's durable engine: runs orchestration episodes through the app's own durable-functions
// handler, carries out the actions (activities, timers, sub-orchestrations, continue-as-new) the way the
// extension and DTFx do, and keeps every instance's state in the SQLite store so a restarted host resumes
// where it stopped.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import type { LogLevel, Registrations, RpcTypedData } from '../coreModule.js';
import { invokeFunction, registeredName, triggerTypeOf, type InvocationLog } from '../invoke.js';
import {
  InstanceGoneError,
  InstanceNotFoundError,
  InstanceNotTerminalError,
  InvalidRequestError,
  OrchestratorNotFoundError,
} from './errors.js';
import { replayActions } from './extensionReplay.js';
import {
  EventType,
  longRunningTimerIntervalMs,
  maximumShortTimerMs,
  newEvent,
  playedJson,
  toJsonText,
  type HistoryEvent,
} from './history.js';
import { handleDurableHttp } from './httpApi.js';
import { invokeOrchestrator, typedDataValue } from './invokeOrchestrator.js';
import { presentHistory, toStatus, type OrchestrationStatus } from './status.js';
import {
  DurableStore,
  terminalStatuses,
  type ActivityRow,
  type CommitResult,
  type EpisodeCommit,
  type InstanceFilter,
  type InstanceRow,
  type MessageRow,
  type NewMessage,
  type QueryRuntimeStatus,
  type RuntimeStatus,
} from './store.js';

export interface DurableLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface DurableRuntimeOptions {
  registrations: Registrations;
  hubName: string;
  /** SQLite file path, or ':memory:'. */
  storePath: string;
  clock: Clock;
  logger: DurableLogger;
  /** How many activities may run at once (default 16). */
  activityConcurrency?: number;
  /** The host's origin, e.g. http://localhost:7071 (known after listen). */
  baseUrl(): string;
  /** Appended as code= to the management URLs. */
  functionKey: string;
}

export interface StartNewOptions {
  instanceId?: string;
  input?: unknown;
  version?: string;
}

export interface GetStatusOptions {
  showHistory?: boolean;
  showHistoryOutput?: boolean;
  /** Default true, as in Azure. */
  showInput?: boolean;
}

export type { OrchestrationStatus };

export interface QueryOptions {
  createdTimeFrom?: Date;
  createdTimeTo?: Date;
  runtimeStatus?: QueryRuntimeStatus[];
  /** Only instances whose id starts with this text (exactly: case-sensitive, no wildcards). */
  instanceIdPrefix?: string;
  /** Page size (default 100). */
  top?: number;
  continuationToken?: string;
  /** Default true, as in Azure. */
  showInput?: boolean;
}

export interface QueryResult {
  instances: OrchestrationStatus[];
  /** Present when more instances match; pass it back to get the next page. */
  continuationToken?: string;
}

/** What an episode decided; `consumedMessageIds` are inbox ids (see InboxMessage). */
type EpisodeOutcome = Partial<Omit<EpisodeCommit, 'instance' | 'eventTexts' | 'completedActivityIds'>> & { events?: HistoryEvent[] };

/** An episode's outcome, committed with the others of its batch. */
interface PlannedCommit {
  commit: EpisodeCommit;
  from: RuntimeStatus;
  /** Inbox ids of the messages the episode consumed (stored messages and in-memory activity results). */
  consumed: number[];
  /** The appended events (as stored, IsPlayed set), for the cached history. */
  events: HistoryEvent[];
}

/** Episodes per batch: each batch's episodes and activity results commit in one transaction. */
const maxBatch = 64;
/** DurableClient.StartNewAsync: at most 256 characters (MaxInstanceIdLength), none of / \ # ? or a control character. */
const maxInstanceIdLength = 256; // the pattern's {1,256}
const instanceIdPattern = /^[^/\\#?\u0000-\u001f\u007f-\u009f]{1,256}$/;
const defaultPageSize = 100;
const stopGraceMs = 2000;
/** The message text each delivered event was parsed from, so large inputs are not stringified again. */
const arrivedAs = new WeakMap<HistoryEvent, string>();

/**
 * A message in an instance's inbox: a stored message, or an activity result still only in memory. An
 * activity result is stored by the episode that consumes it (its activity row is deleted in the same
 * transaction that appends TaskCompleted), which saves writing and deleting a message per activity and a
 * commit round per step. Its inbox id is the negated activity id (stored message ids are positive).
 */
interface InboxMessage extends MessageRow {
  activityId?: number;
}

interface LiveHistory {
  events: HistoryEvent[];
  /** The same events as JSON, kept so an episode does not re-serialize the whole history. */
  json: string[];
}

export class DurableRuntime {
  readonly #o: DurableRuntimeOptions;
  readonly #concurrency: number;
  #store: DurableStore | undefined;
  /** Rows of instances that are not finished (the store stays the source of truth for queries). */
  readonly #instances = new Map<string, InstanceRow>();
  /** Queued messages per instance, as stored (due now or later). */
  readonly #inbox = new Map<string, InboxMessage[]>();
  readonly #histories = new Map<string, LiveHistory>();
  readonly #ready = new Set<string>();
  readonly #activityQueue: ActivityRow[] = [];
  readonly #runningActivities = new Set<Promise<void>>();
  /** Episode commits of the batch being processed. */
  #planned: PlannedCommit[] = [];
  readonly #timerCancels = new Set<() => void>();
  /** Callers waiting for an instance to end (the HTTP API's start-and-wait), by instance id. */
  readonly #completionWaiters = new Map<string, Set<(completed: boolean) => void>>();
  #binding: { origin: string; json: string; managementUrls: Record<string, string> } | undefined;
  #cycles: Promise<void> | undefined;
  #pumpScheduled = false;
  #started = false;
  #stopping = false;

  constructor(options: DurableRuntimeOptions) {
    this.#o = options;
    this.#concurrency = Math.max(1, options.activityConcurrency ?? 16);
  }

  get hubName(): string {
    return this.#o.hubName;
  }

  /** Opens the store and resumes every in-flight instance: due messages, timers, and unfinished activities. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const store = this.#openStore();
    this.#inbox.clear(); // requests may have queued messages before start(); the store has them all
    for (const message of store.allMessages()) this.#enqueue(message);
    // Activities still in the table never reported a result: they run (again), at least once.
    this.#activityQueue.push(...store.allActivities());
    this.#pump();
  }

  /** Stops taking work, waits briefly for running activities, and closes the store. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    for (const cancel of this.#timerCancels) cancel();
    this.#timerCancels.clear();
    for (const waiters of [...this.#completionWaiters.values()]) for (const waiter of [...waiters]) waiter(false);
    await this.#cycles;
    if (this.#runningActivities.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.#runningActivities]),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, stopGraceMs);
          timer.unref();
        }),
      ]);
      clearTimeout(timer);
    }
    this.#applyBatch(); // episodes that finished before the stop
    this.#storeActivityResults(); // results no episode consumed: their activities must not run again
    this.#store?.close();
    this.#store = undefined;
  }

  /** Resolves when no episode or activity is due or running (timers in the future do not count). */
  async waitForIdle(): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.#isIdle()) {
        // One more turn: work scheduled by microtasks of the last completion shows up here.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.#isIdle()) return;
      }
    }
  }

  // ---- client API -------------------------------------------------------------------------------------

  async startNew(name: string, options: StartNewOptions = {}): Promise<string> {
    return this.startNewJson(name, {
      instanceId: options.instanceId,
      inputJson: options.input === undefined ? null : toJsonText(options.input),
      version: options.version,
    });
  }

  /** startNew with the input already as JSON text (the HTTP API's body). */
  async startNewJson(
    name: string,
    options: { instanceId?: string | undefined; inputJson: string | null; version?: string | undefined },
  ): Promise<string> {
    if (triggerTypeOf(this.#o.registrations, name) !== 'orchestrationTrigger') throw new OrchestratorNotFoundError(name);
    const id = options.instanceId ?? randomUUID().replaceAll('-', '');
    if (!instanceIdPattern.test(id)) {
      throw new InvalidRequestError(
        'instanceId',
        `must be 1 to ${maxInstanceIdLength} characters and contain no /, \\, #, ? or control characters.`,
      );
    }
    const now = this.#o.clock.now();
    const instance: InstanceRow = {
      id,
      name,
      version: options.version ?? null,
      executionId: randomUUID(),
      status: 'Pending',
      input: options.inputJson,
      output: null,
      customStatus: null,
      createdAt: now,
      updatedAt: now,
      parentId: null,
      parentExecutionId: null,
      parentTaskId: null,
    };
    const message = this.#db().createInstance(instance, executionStartedMessage(instance, now));
    this.#forget(id);
    this.#instances.set(id, instance);
    this.#histories.set(id, { events: [], json: [] });
    this.#logTransition(instance, 'New', 'Pending');
    this.#enqueue(message);
    return id;
  }

  async raiseEvent(instanceId: string, eventName: string, data?: unknown): Promise<void> {
    return this.raiseEventJson(instanceId, eventName, data === undefined ? null : toJsonText(data));
  }

  /** raiseEvent with the data already as JSON text (the HTTP API's body). */
  async raiseEventJson(instanceId: string, eventName: string, dataJson: string | null): Promise<void> {
    if (!eventName) throw new InvalidRequestError('eventName', 'must not be empty.');
    const now = this.#o.clock.now();
    this.#sendToLive(instanceId, 'event', toJsonText(newEvent(EventType.EventRaised, now, { Name: eventName, Input: dataJson })));
  }

  async terminate(instanceId: string, reason?: string): Promise<void> {
    this.#sendToLive(instanceId, 'terminate', toJsonText(reason ?? null));
  }

  async suspend(instanceId: string, reason?: string): Promise<void> {
    this.#sendToLive(instanceId, 'suspend', toJsonText(reason ?? null));
  }

  async resume(instanceId: string, reason?: string): Promise<void> {
    this.#sendToLive(instanceId, 'resume', toJsonText(reason ?? null));
  }

  async getStatus(instanceId: string, options: GetStatusOptions = {}): Promise<OrchestrationStatus | undefined> {
    const row = this.#db().getInstance(instanceId);
    if (!row) return undefined;
    const status = toStatus(row, options.showInput ?? true);
    if (options.showHistory) {
      status.historyEvents = presentHistory(this.#db().getHistory(instanceId), options.showHistoryOutput ?? false);
    }
    return status;
  }

  /**
   * Resolves true once the instance has completed, failed or been terminated; false after `timeoutMs` of
   * wall-clock time, or when the runtime stops. This is an HTTP request's wait, not durable time: a virtual
   * clock does not move it (advancing one makes the instance finish, and the wait returns at once).
   */
  async waitForCompletion(instanceId: string, timeoutMs: number): Promise<boolean> {
    if (this.#stopping) return false;
    const row = this.#db().getInstance(instanceId);
    if (row && terminalStatuses.has(row.status)) return true;
    if (!(timeoutMs > 0)) return false;
    return new Promise<boolean>((resolve) => {
      const waiters = this.#completionWaiters.get(instanceId) ?? new Set();
      this.#completionWaiters.set(instanceId, waiters);
      const done = (completed: boolean): void => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.#completionWaiters.get(instanceId) === waiters) this.#completionWaiters.delete(instanceId);
        resolve(completed);
      };
      const timer = setTimeout(() => done(false), Math.min(timeoutMs, 2_147_483_647));
      waiters.add(done);
    });
  }

  /** The raw Durable Task history of the current execution (PascalCase events). */
  async getHistory(instanceId: string): Promise<HistoryEvent[] | undefined> {
    if (!this.#db().getInstance(instanceId)) return undefined;
    return this.#db().getHistory(instanceId);
  }

  async query(options: QueryOptions = {}): Promise<QueryResult> {
    const top = options.top ?? defaultPageSize;
    if (!Number.isInteger(top) || top < 1) throw new InvalidRequestError('top', 'must be a positive integer.');
    const after = options.continuationToken ? decodeContinuation(options.continuationToken) : undefined;
    const rows = this.#db().query(toFilter(options), after, top + 1);
    const page = rows.slice(0, top);
    const result: QueryResult = { instances: page.map((r) => toStatus(r, options.showInput ?? true)) };
    if (rows.length > top) {
      const last = page[page.length - 1]!;
      result.continuationToken = Buffer.from(JSON.stringify([last.createdAt, last.id])).toString('base64url');
    }
    return result;
  }

  /** Deletes a completed, failed or terminated instance; returns how many were deleted (0 or 1). */
  async purge(instanceId: string): Promise<number> {
    const row = this.#db().getInstance(instanceId);
    if (!row) return 0;
    if (!terminalStatuses.has(row.status)) throw new InstanceNotTerminalError(instanceId, row.status);
    this.#forget(instanceId);
    return this.#db().purge(instanceId) ? 1 : 0;
  }

  /** Deletes every terminal instance matching the filter; returns how many. */
  async purgeBy(options: Omit<QueryOptions, 'top' | 'continuationToken' | 'showInput' | 'instanceIdPrefix'>): Promise<number> {
    return this.#db().purgeBy(toFilter(options));
  }

  /** Data of the `durableClient` input binding, as the extension sends it (research §4). */
  clientBindingData(): RpcTypedData {
    return { json: this.#clientBinding().json };
  }

  /** The management links for one instance (the HttpManagementPayload), on the public webhook path. */
  managementPayload(instanceId: string): Record<string, string> {
    const payload: Record<string, string> = {};
    const id = encodeURIComponent(instanceId);
    for (const [key, value] of Object.entries(this.#clientBinding().managementUrls)) {
      payload[key] = value.replaceAll('INSTANCEID', id);
    }
    payload.id = instanceId;
    return payload;
  }

  /** The client binding data, built once per origin (every client call and start needs it). */
  #clientBinding(): { origin: string; json: string; managementUrls: Record<string, string> } {
    const origin = this.#o.baseUrl().replace(/\/+$/, '');
    if (this.#binding?.origin === origin) return this.#binding;
    const base = `${origin}/runtime/webhooks/durabletask`;
    const hub = encodeURIComponent(this.#o.hubName);
    const code = `code=${encodeURIComponent(this.#o.functionKey)}`;
    const common = `taskHub=${hub}&connection=Storage&${code}`;
    const id = 'INSTANCEID';
    const data = {
      taskHubName: this.#o.hubName,
      creationUrls: {
        createNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?${code}`,
        createAndWaitOnNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${code}`,
      },
      managementUrls: {
        id,
        statusQueryGetUri: `${base}/instances/${id}?${common}`,
        sendEventPostUri: `${base}/instances/${id}/raiseEvent/{eventName}?${common}`,
        terminatePostUri: `${base}/instances/${id}/terminate?reason={text}&${common}`,
        rewindPostUri: `${base}/instances/${id}/rewind?reason={text}&${common}`,
        purgeHistoryDeleteUri: `${base}/instances/${id}?${common}`,
        restartPostUri: `${base}/instances/${id}/restart?${common}`,
        suspendPostUri: `${base}/instances/${id}/suspend?reason={text}&${common}`,
        resumePostUri: `${base}/instances/${id}/resume?reason={text}&${common}`,
      },
      baseUrl: base,
      requiredQueryStringParameters: code,
      rpcBaseUrl: `${origin}/durabletask/`,
    };
    this.#binding = { origin, json: JSON.stringify(data), managementUrls: data.managementUrls };
    return this.#binding;
  }

  /** The Durable HTTP API; `subPath` is the path below the mount (e.g. "instances/abc"). */
  async handleHttp(req: IncomingMessage, res: ServerResponse, subPath: string): Promise<void> {
    await handleDurableHttp(this, { functionKey: this.#o.functionKey }, req, res, subPath);
  }

  // ---- engine -----------------------------------------------------------------------------------------

  #openStore(): DurableStore {
    this.#store ??= new DurableStore(this.#o.storePath);
    return this.#store;
  }

  /** The store for an operation; requests may arrive before start() (the server listens first). */
  #db(): DurableStore {
    if (this.#stopping) throw new Error('The durable runtime has stopped.');
    return this.#openStore();
  }

  #isIdle(): boolean {
    return (
      this.#ready.size === 0 &&
      this.#cycles === undefined &&
      this.#activityQueue.length === 0 &&
      this.#runningActivities.size === 0 &&
      !this.#pumpScheduled
    );
  }

  #sendToLive(instanceId: string, kind: NewMessage['kind'], body: string): void {
    const store = this.#db();
    const row = store.getInstance(instanceId);
    if (!row) throw new InstanceNotFoundError(instanceId);
    if (terminalStatuses.has(row.status)) throw new InstanceGoneError(instanceId, row.status);
    const message = store.sendMessage({ instanceId, executionId: null, visibleAt: this.#o.clock.now(), kind, body });
    if (!message) throw new InstanceNotFoundError(instanceId);
    this.#enqueue(message);
  }

  /** A stored message joins its instance's inbox; the instance becomes ready when the message is visible. */
  #enqueue(message: InboxMessage): void {
    const inbox = this.#inbox.get(message.instanceId);
    if (inbox) inbox.push(message);
    else this.#inbox.set(message.instanceId, [message]);
    this.#wake(message.instanceId, message.visibleAt);
  }

  /** Drops every cached piece of an instance (it finished, was replaced or purged). */
  #forget(instanceId: string): void {
    this.#instances.delete(instanceId);
    this.#inbox.delete(instanceId);
    this.#histories.delete(instanceId);
  }

  #instanceRow(instanceId: string): InstanceRow | undefined {
    let row = this.#instances.get(instanceId);
    if (!row) {
      row = this.#db().getInstance(instanceId);
      if (row && !terminalStatuses.has(row.status)) this.#instances.set(instanceId, row);
    }
    return row;
  }

  #wake(instanceId: string, atMs: number): void {
    if (this.#stopping) return;
    if (atMs <= this.#o.clock.now()) {
      this.#ready.add(instanceId);
      this.#pump();
      return;
    }
    const cancel = this.#o.clock.schedule(atMs, () => {
      this.#timerCancels.delete(cancel);
      this.#ready.add(instanceId);
      this.#pump();
    });
    this.#timerCancels.add(cancel);
  }

  #pump(): void {
    if (this.#pumpScheduled || this.#stopping) return;
    this.#pumpScheduled = true;
    setImmediate(() => {
      this.#pumpScheduled = false;
      this.#drive();
    });
  }

  #drive(): void {
    if (!this.#started || this.#stopping) return; // before start(), requests only queue messages
    this.#startActivities();
    if (!this.#cycles && this.#ready.size > 0) {
      this.#cycles = this.#runCycles().finally(() => {
        this.#cycles = undefined;
        this.#pump();
      });
    }
  }

  /**
   * Episodes run one after another (one at a time per instance, as the executor requires), in batches: the
   * episodes of a batch and the activity results that arrived meanwhile commit in one transaction, and only
   * then is their new work dispatched.
   */
  async #runCycles(): Promise<void> {
    while (!this.#stopping && this.#ready.size > 0) {
      const batch: string[] = [];
      for (const id of this.#ready) {
        batch.push(id);
        if (batch.length >= maxBatch) break;
      }
      for (const id of batch) this.#ready.delete(id);
      for (const id of batch) {
        try {
          await this.#episode(id);
        } catch (err) {
          this.#o.logger.error(`Durable episode of instance '${id}' failed in the host: ${(err as Error).message}`);
        }
        if (this.#stopping) return; // uncommitted episodes are redone after a restart
      }
      this.#applyBatch();
      this.#startActivities();
      // Let I/O (HTTP requests, the durable client's calls) run between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Commits the batch's episodes together, then dispatches what they queued. */
  #applyBatch(): void {
    const store = this.#store;
    const planned = this.#planned;
    this.#planned = [];
    if (!store || planned.length === 0) return;
    let results: CommitResult[];
    try {
      results = store.commitBatch(planned.map((p) => p.commit));
    } catch (err) {
      this.#o.logger.error(`Durable store commit failed: ${(err as Error).message}`);
      return;
    }
    planned.forEach((p, i) => this.#afterCommit(p, results[i]!));
  }

  /** On shutdown: activity results still only in memory are stored as messages for the next start. */
  #storeActivityResults(): void {
    const completions: { activityId: number; result: NewMessage }[] = [];
    for (const inbox of this.#inbox.values()) {
      for (const { activityId, instanceId, executionId, visibleAt, kind, body } of inbox) {
        if (activityId !== undefined) completions.push({ activityId, result: { instanceId, executionId, visibleAt, kind, body } });
      }
    }
    if (completions.length === 0 || !this.#store) return;
    try {
      this.#store.completeActivities(completions);
    } catch (err) {
      this.#o.logger.error(`Durable store commit failed: ${(err as Error).message}`);
    }
  }

  #afterCommit({ commit, from, events, consumed: consumedIds }: PlannedCommit, result: CommitResult): void {
    const { instance } = commit;
    if (terminalStatuses.has(instance.status)) {
      this.#forget(instance.id);
      for (const waiter of [...(this.#completionWaiters.get(instance.id) ?? [])]) waiter(true);
    } else {
      this.#instances.set(instance.id, instance);
      if (commit.dropPendingWork) this.#inbox.delete(instance.id);
      else if (consumedIds.length > 0) {
        const consumed = new Set(consumedIds);
        const inbox = this.#inbox.get(instance.id)?.filter((m) => !consumed.has(m.id)) ?? [];
        if (inbox.length > 0) this.#inbox.set(instance.id, inbox);
        else this.#inbox.delete(instance.id);
      }
      if (commit.replaceHistory) this.#histories.set(instance.id, { events: [], json: [] });
      else {
        const live = this.#histories.get(instance.id);
        if (live && events.length > 0) {
          live.json.push(...commit.eventTexts);
          live.events.push(...events);
        }
      }
    }
    if (instance.status !== from) this.#logTransition(instance, from, instance.status);
    for (const child of result.createdChildren) {
      this.#forget(child.id);
      this.#instances.set(child.id, child);
      this.#histories.set(child.id, { events: [], json: [] });
      this.#logTransition(child, 'New', 'Pending');
    }
    for (const message of result.messages) this.#enqueue(message);
    if (result.activities.length > 0) this.#activityQueue.push(...result.activities);
  }

  async #episode(instanceId: string): Promise<void> {
    const row = this.#instanceRow(instanceId);
    if (!row) return;
    const now = this.#o.clock.now();
    const messages = (this.#inbox.get(instanceId) ?? []).filter((m) => m.visibleAt <= now);
    if (messages.length === 0) return;

    const consumed: number[] = [];
    const controlEvents: HistoryEvent[] = [];
    const deliverable: InboxMessage[] = [];
    let status = row.status;
    let terminateReason: string | null | undefined;
    for (const message of messages) {
      if (message.executionId !== null && message.executionId !== row.executionId) {
        consumed.push(message.id); // addressed to an earlier execution (before continue-as-new or a restart)
        continue;
      }
      if (message.kind === 'terminate') {
        terminateReason = JSON.parse(message.body) as string | null;
        break;
      }
      if (message.kind === 'suspend' || message.kind === 'resume') {
        consumed.push(message.id);
        const reason = JSON.parse(message.body) as string | null;
        if (message.kind === 'suspend' && status !== 'Suspended' && !terminalStatuses.has(status)) {
          status = 'Suspended';
          controlEvents.push(newEvent(EventType.ExecutionSuspended, now, reason ? { Reason: reason } : {}));
        } else if (message.kind === 'resume' && status === 'Suspended') {
          status = 'Running';
          controlEvents.push(newEvent(EventType.ExecutionResumed, now, reason ? { Reason: reason } : {}));
        }
        continue;
      }
      deliverable.push(message);
    }

    if (terminalStatuses.has(row.status)) {
      // Late messages for a finished instance (an activity result after completion, an event): dropped.
      // (Its activity rows went with the rest of its pending work when it finished.)
      this.#db().deleteMessages(messages.filter((m) => m.activityId === undefined).map((m) => m.id));
      this.#inbox.delete(instanceId);
      return;
    }
    if (terminateReason !== undefined) {
      this.#finish(row, 'Terminated', {
        events: [...controlEvents, newEvent(EventType.ExecutionTerminated, now, { Input: toJsonText(terminateReason) })],
        output: toJsonText(terminateReason),
        parentFailure: { reason: `Instance '${row.id}' was terminated: ${terminateReason ?? ''}`, details: '' },
      });
      return;
    }
    if (status === 'Suspended' || (deliverable.length === 0 && controlEvents.length === 0)) {
      // Events that arrive while suspended stay queued until the instance is resumed.
      if (consumed.length > 0) this.#commit(row, status, { consumedMessageIds: consumed, events: controlEvents });
      return;
    }
    for (const message of deliverable) consumed.push(message.id);
    const delivered = deliverable.map((m) => {
      const event = JSON.parse(m.body) as HistoryEvent;
      arrivedAs.set(event, m.body);
      return event;
    });
    if (status === 'Pending' || status === 'ContinuedAsNew') status = 'Running';
    if (delivered.length === 0) {
      this.#commit(row, status, { consumedMessageIds: consumed, events: controlEvents });
      return;
    }

    if (triggerTypeOf(this.#o.registrations, row.name) !== 'orchestrationTrigger') {
      this.#failWith(row, new OrchestratorNotFoundError(row.name).message, '', controlEvents);
      return;
    }

    const live = this.#liveHistory(instanceId);
    const episodeEvents = [...controlEvents, newEvent(EventType.OrchestratorStarted, now), ...delivered];
    const history = live.events.concat(episodeEvents);
    const historyJson = `[${live.json.concat(episodeEvents.map((e) => arrivedAs.get(e) ?? JSON.stringify(e))).join(',')}]`;
    const result = await invokeOrchestrator(
      this.#o.registrations,
      row.name,
      { historyJson, inputJson: row.input, instanceId, parentInstanceId: row.parentId },
      this.#userLog(this.#registered(row.name)),
    );
    if (this.#stopping) return; // the store closes: this episode is redone after a restart

    if (result.kind === 'crash') {
      this.#failWith(row, `Orchestrator function '${row.name}' failed: ${result.message}`, result.details, episodeEvents);
      return;
    }
    const state = result.state;
    let customStatus = row.customStatus;
    if (state.customStatus !== undefined) {
      // The shim sets the custom status before it replays the actions; too large a status fails the episode.
      customStatus = toJsonText(state.customStatus);
      const tooLarge = customStatusSizeError(customStatus);
      if (tooLarge) {
        // From user code's result the extension wraps the error; on the path of an orchestrator that threw,
        // it escapes unwrapped (TaskOrchestrationShim.InvokeUserCodeAndHandleResults).
        const message = state.error === undefined ? `Orchestrator function '${row.name}' failed: ${tooLarge}` : tooLarge;
        this.#failWith(row, message, `System.ArgumentException: ${tooLarge}`, episodeEvents);
        return;
      }
    }
    const replay = replayActions(history, state.actions[0] ?? [], {
      executionId: row.executionId,
      nowMs: now,
      maximumShortTimerMs,
      longRunningTimerIntervalMs,
    });
    const withStatus: InstanceRow = { ...row, customStatus };

    if (replay.failure) {
      this.#failWith(withStatus, replay.failure, '', episodeEvents);
      return;
    }
    if (!replay.blocked && state.error !== undefined) {
      this.#failWith(
        withStatus,
        `Orchestrator function '${row.name}' failed: ${state.error}`,
        `Message: ${state.error}`,
        episodeEvents,
      );
      return;
    }
    if (!replay.blocked && state.isDone && replay.continueAsNewInput !== undefined) {
      this.#continueAsNew(withStatus, replay.continueAsNewInput, now);
      return;
    }
    if (!replay.blocked && state.isDone) {
      const output = toJsonText(state.output);
      this.#finish(withStatus, 'Completed', {
        events: [
          ...episodeEvents,
          newEvent(EventType.OrchestratorCompleted, now),
          newEvent(EventType.ExecutionCompleted, now, { OrchestrationStatus: 'Completed', Result: output }),
        ],
        output,
        parentResult: output,
      });
      return;
    }

    // Still running: record the new scheduling events and queue their work.
    const commit: EpisodeOutcome = {
      consumedMessageIds: consumed,
      events: [...episodeEvents, ...replay.newEvents, newEvent(EventType.OrchestratorCompleted, now)],
      activities: [],
      messages: [],
      children: [],
    };
    for (const event of replay.newEvents) {
      if (event.EventType === EventType.TaskScheduled) {
        commit.activities!.push({
          instanceId,
          executionId: row.executionId,
          taskId: event.EventId,
          name: event.Name ?? '',
          input: event.Input ?? 'null',
        });
      } else if (event.EventType === EventType.TimerCreated) {
        const fireAt = Date.parse(event.FireAt!);
        commit.messages!.push({
          instanceId,
          executionId: row.executionId,
          visibleAt: fireAt,
          kind: 'event',
          body: JSON.stringify(newEvent(EventType.TimerFired, fireAt, { TimerId: event.EventId, FireAt: event.FireAt! })),
        });
      } else if (event.EventType === EventType.SubOrchestrationInstanceCreated) {
        commit.children!.push(this.#childStart(withStatus, event, now));
      }
    }
    this.#commit(withStatus, 'Running', commit);
  }

  #childStart(parent: InstanceRow, created: HistoryEvent, now: number): EpisodeCommit['children'][number] {
    const child: InstanceRow = {
      id: created.InstanceId!,
      name: created.Name ?? '',
      version: created.Version ?? null,
      executionId: randomUUID(),
      status: 'Pending',
      input: created.Input ?? null,
      output: null,
      customStatus: null,
      createdAt: now,
      updatedAt: now,
      parentId: parent.id,
      parentExecutionId: parent.executionId,
      parentTaskId: created.EventId,
    };
    const reason = `An Orchestration instance with the instance ID '${child.id}' already exists.`;
    return {
      instance: child,
      start: executionStartedMessage(child, now),
      onConflict: {
        instanceId: parent.id,
        executionId: parent.executionId,
        visibleAt: now,
        kind: 'event',
        body: JSON.stringify(
          newEvent(EventType.SubOrchestrationInstanceFailed, now, {
            TaskScheduledId: created.EventId,
            Reason: reason,
            Details: '',
          }),
        ),
      },
    };
  }

  #continueAsNew(row: InstanceRow, inputJson: string, now: number): void {
    const next: InstanceRow = { ...row, executionId: randomUUID(), input: inputJson, output: null };
    // Unprocessed events of the old execution are dropped (the Durable Functions default).
    this.#commit(next, 'ContinuedAsNew', {
      events: [],
      replaceHistory: true,
      dropPendingWork: true,
      messages: [executionStartedMessage(next, now)],
    });
  }

  #failWith(row: InstanceRow, message: string, details: string, episodeEvents: HistoryEvent[]): void {
    const now = this.#o.clock.now();
    const output = toJsonText(message);
    this.#finish(row, 'Failed', {
      events: [
        ...episodeEvents,
        newEvent(EventType.OrchestratorCompleted, now),
        newEvent(EventType.ExecutionCompleted, now, { OrchestrationStatus: 'Failed', Result: output }),
      ],
      output,
      parentFailure: { reason: message, details },
    });
  }

  /** Ends the execution: records the final events and output, drops pending work, tells the parent. */
  #finish(
    row: InstanceRow,
    status: 'Completed' | 'Failed' | 'Terminated',
    end: { events: HistoryEvent[]; output: string; parentResult?: string; parentFailure?: { reason: string; details: string } },
  ): void {
    const now = this.#o.clock.now();
    const messages: NewMessage[] = [];
    if (row.parentId !== null && row.parentTaskId !== null) {
      const event =
        status === 'Completed'
          ? newEvent(EventType.SubOrchestrationInstanceCompleted, now, {
              TaskScheduledId: row.parentTaskId,
              Result: end.parentResult ?? 'null',
            })
          : newEvent(EventType.SubOrchestrationInstanceFailed, now, {
              TaskScheduledId: row.parentTaskId,
              Reason: end.parentFailure?.reason ?? '',
              Details: end.parentFailure?.details ?? '',
            });
      messages.push({
        instanceId: row.parentId,
        executionId: row.parentExecutionId,
        visibleAt: now,
        kind: 'event',
        body: JSON.stringify(event),
      });
    }
    this.#commit({ ...row, output: end.output }, status, { events: end.events, dropPendingWork: true, messages });
  }

  /** Adds an episode's outcome to the batch; it takes effect when the batch commits. */
  #commit(row: InstanceRow, status: RuntimeStatus, partial: EpisodeOutcome): void {
    const instance: InstanceRow = { ...row, status, updatedAt: this.#o.clock.now() };
    const source = partial.events ?? [];
    const events = source.map((e) => ({ ...e, IsPlayed: true }));
    const consumed = partial.consumedMessageIds ?? [];
    this.#planned.push({
      from: row.status,
      events,
      consumed,
      commit: {
        instance,
        eventTexts: source.map((e, i) => {
          const text = arrivedAs.get(e);
          return text === undefined ? JSON.stringify(events[i]) : playedJson(text);
        }),
        replaceHistory: partial.replaceHistory ?? false,
        consumedMessageIds: consumed.filter((id) => id > 0),
        completedActivityIds: consumed.filter((id) => id < 0).map((id) => -id),
        dropPendingWork: partial.dropPendingWork ?? false,
        activities: partial.activities ?? [],
        messages: partial.messages ?? [],
        children: partial.children ?? [],
      },
    });
  }

  #liveHistory(instanceId: string): LiveHistory {
    let live = this.#histories.get(instanceId);
    if (!live) {
      const events = this.#db().getHistory(instanceId);
      live = { events, json: events.map((e) => JSON.stringify(e)) };
      this.#histories.set(instanceId, live);
    }
    return live;
  }

  #startActivities(): void {
    while (!this.#stopping && this.#runningActivities.size < this.#concurrency && this.#activityQueue.length > 0) {
      const activity = this.#activityQueue.shift()!;
      const run = this.#runActivity(activity).finally(() => {
        this.#runningActivities.delete(run);
        this.#startActivities(); // keep the slots busy even while a batch of episodes runs
        this.#pump();
      });
      this.#runningActivities.add(run);
    }
  }

  async #runActivity(activity: ActivityRow): Promise<void> {
    // Work of an execution that has ended (terminated, continued as new) is not run.
    const row = this.#instanceRow(activity.instanceId);
    if (!row || terminalStatuses.has(row.status) || row.executionId !== activity.executionId) return;
    const started = performance.now();
    let event: HistoryEvent;
    try {
      if (triggerTypeOf(this.#o.registrations, activity.name) !== 'activityTrigger') {
        throw new Error(`The function '${activity.name}' doesn't exist, is disabled, or is not an activity function.`);
      }
      const response = await invokeFunction(
        this.#o.registrations,
        activity.name,
        { inputsByType: { activityTrigger: { json: activity.input } } },
        this.#userLog(this.#registered(activity.name)),
      );
      const result = toJsonText(typedDataValue(response.returnValue));
      event = newEvent(EventType.TaskCompleted, this.#o.clock.now(), { TaskScheduledId: activity.taskId, Result: result });
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      event = newEvent(EventType.TaskFailed, this.#o.clock.now(), {
        TaskScheduledId: activity.taskId,
        Reason: `Activity function '${activity.name}' failed: ${error.message}`,
        Details: error.stack ?? error.message,
      });
    }
    const outcome = event.EventType === EventType.TaskCompleted ? 'Succeeded' : 'Failed';
    const durationMs = Math.round(performance.now() - started);
    this.#o.logger.info(
      `Executed '${this.#registered(activity.name)}' (${outcome}, Id=${activity.instanceId}:${activity.taskId}, Duration=${durationMs}ms)`,
    );
    if (this.#store === undefined) return; // stopped meanwhile: the activity runs again after a restart
    this.#enqueue({
      id: -activity.id,
      activityId: activity.id,
      instanceId: activity.instanceId,
      executionId: activity.executionId,
      visibleAt: this.#o.clock.now(),
      kind: 'event',
      body: JSON.stringify(event),
    });
  }

  #userLog(functionName: string): InvocationLog {
    const logger = this.#o.logger;
    return (level: LogLevel, category: string, message: string) => {
      if (category !== 'user' && level !== 'warning' && level !== 'error' && level !== 'critical') return;
      const line = `[${functionName}] ${message}`;
      if (level === 'error' || level === 'critical') logger.error(line);
      else if (level === 'warning') logger.warn(line);
      else if (level === 'information') logger.info(line);
    };
  }

  /**
   * A function name as registered. Names match in any case (as in Azure); history and status keep the
   * spelling the caller used, logs the registered one.
   */
  #registered(functionName: string): string {
    return registeredName(this.#o.registrations, functionName) ?? functionName;
  }

  #logTransition(row: Pick<InstanceRow, 'name' | 'id'>, from: string, to: string): void {
    this.#o.logger.info(`Orchestration '${this.#registered(row.name)}' (${row.id}) ${from} → ${to}`);
  }
}

/** SetCustomStatus's limit (DurableOrchestrationContext: MaxCustomStatusPayloadSizeInKB). */
export const maxCustomStatusKB = 16;

/**
 * The extension's check of a custom status (MessagePayloadDataConverter.Serialize with a size limit): the
 * UTF-16 size of its JSON in whole KB, rounded down, must not exceed 16. Returns the error, or undefined.
 */
export function customStatusSizeError(json: string): string | undefined {
  const sizeKB = Math.floor((json.length * 2) / 1024);
  if (sizeKB <= maxCustomStatusKB) return undefined;
  return (
    `The UTF-16 size of the JSON-serialized payload must not exceed ${maxCustomStatusKB} KB. ` +
    `The current payload size is ${sizeKB.toLocaleString('en-US')} KB.`
  );
}

function executionStartedMessage(instance: InstanceRow, now: number): NewMessage {
  const event = newEvent(EventType.ExecutionStarted, now, {
    Name: instance.name,
    Input: instance.input,
    ...(instance.version !== null ? { Version: instance.version } : {}),
  });
  return {
    instanceId: instance.id,
    executionId: instance.executionId,
    visibleAt: now,
    kind: 'event',
    body: JSON.stringify(event),
  };
}

function toFilter(options: Pick<QueryOptions, 'createdTimeFrom' | 'createdTimeTo' | 'runtimeStatus' | 'instanceIdPrefix'>): InstanceFilter {
  const filter: InstanceFilter = {};
  if (options.createdTimeFrom) filter.createdFrom = options.createdTimeFrom.getTime();
  if (options.createdTimeTo) filter.createdTo = options.createdTimeTo.getTime();
  if (options.runtimeStatus) filter.statuses = options.runtimeStatus;
  if (options.instanceIdPrefix) filter.idPrefix = options.instanceIdPrefix;
  return filter;
}

function decodeContinuation(token: string): { createdAt: number; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof createdAt === 'number' && typeof id === 'string') return { createdAt, id };
  } catch {
    // fall through
  }
  throw new InvalidRequestError('x-ms-continuation-token', 'is not a token this host issued.');
}
