// The Durable Task history as the durable-functions replay reads it: PascalCase events in the DTFx JSON.NET
// shape (research §1 "HistoryEvent"), plus the orchestrator's wire actions and OrchestratorState.

export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
  GenericEvent: 17,
  HistoryState: 18,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;

export type EventTypeNumber = (typeof EventType)[keyof typeof EventType];

const eventTypeNames = new Map<number, string>(Object.entries(EventType).map(([name, value]) => [value, name]));

export function eventTypeName(type: number): string {
  return eventTypeNames.get(type) ?? `EventType${type}`;
}

export interface HistoryEvent {
  EventType: EventTypeNumber;
  /** The task sequence number for scheduling events; -1 otherwise. */
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  Name?: string;
  /** JSON text (or null) for ExecutionStarted, TaskScheduled, SubOrchestrationInstanceCreated, EventRaised. */
  Input?: string | null;
  Version?: string;
  InstanceId?: string;
  /** JSON text for TaskCompleted, SubOrchestrationInstanceCompleted, ExecutionCompleted. */
  Result?: string;
  Reason?: string;
  Details?: string;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  OrchestrationStatus?: string;
}

export function newEvent(type: EventTypeNumber, timestampMs: number, fields: Partial<HistoryEvent> = {}): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: isoTimestamp(timestampMs), ...fields };
}

/**
 * The JSON of an unplayed event (as JSON.stringify wrote it) with IsPlayed set. The first unescaped
 * `"IsPlayed":false` is the event's own field: events have no nested objects, and inside string values
 * quotes are escaped.
 */
export function playedJson(eventJson: string): string {
  return eventJson.replace('"IsPlayed":false', '"IsPlayed":true');
}

let lastTimestampMs = Number.NaN;
let lastTimestampText = '';

/** ISO text of a time; the last one is remembered, as an episode stamps many events with the same time. */
export function isoTimestamp(ms: number): string {
  if (ms !== lastTimestampMs) {
    lastTimestampMs = ms;
    lastTimestampText = new Date(ms).toISOString();
  }
  return lastTimestampText;
}

/** Action types of the out-of-proc protocol (durable-functions `ActionType`). */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  ScheduledSignalEntity: 10,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

const actionTypeNames = new Map<number, string>(Object.entries(ActionType).map(([name, value]) => [value, name]));

export function actionTypeName(type: number): string {
  return actionTypeNames.get(type) ?? `ActionType${type}`;
}

export interface WireRetryOptions {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

/** One action as the orchestrator returns it (JSON of the library's action classes). */
export interface WireAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  retryOptions?: WireRetryOptions;
  instanceId?: string;
  version?: string;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  compoundActions?: WireAction[];
}

/** What the orchestrator handler returns (or carries in its `$OutOfProcData$` error suffix). */
export interface OrchestratorState {
  isDone: boolean;
  actions: WireAction[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  failureDetails?: unknown;
  schemaVersion: number;
}

/** The orchestrationTrigger payload the extension sends (research §1 "Input"). */
export interface OrchestrationTriggerPayload {
  history: HistoryEvent[];
  input: unknown;
  instanceId: string;
  isReplaying: boolean;
  parentInstanceId: string | null;
  upperSchemaVersion: number;
  upperSchemaVersionNew: number;
  longRunningTimerIntervalDuration: string;
  maximumShortTimerDuration: string;
  defaultHttpAsyncRequestSleepTimeMillseconds: number;
}

/** Azure Storage's limits, as the extension sends them (.NET TimeSpan text). */
export const maximumShortTimerDuration = '6.00:00:00';
export const longRunningTimerIntervalDuration = '3.00:00:00';
export const maximumShortTimerMs = 6 * 24 * 3600_000;
export const longRunningTimerIntervalMs = 3 * 24 * 3600_000;

/** An action input as durable-functions encodes it: strings are JSON-encoded once more (Utils.processInput). */
export function decodeProcessedInput(input: unknown): unknown {
  return typeof input === 'string' ? (JSON.parse(input) as unknown) : input;
}

/** JSON text of a value the way the extension stores it: undefined becomes null. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value ?? null);
}
