// The local host's durable engine: what the host (startHost) and tooling import.
export {
  DurableRuntime,
  type DurableLogger,
  type DurableRuntimeOptions,
  type GetStatusOptions,
  type OrchestrationStatus,
  type QueryOptions,
  type QueryResult,
  type StartNewOptions,
} from './runtime.js';
export {
  InstanceExistsError,
  InstanceGoneError,
  InstanceNotFoundError,
  InstanceNotTerminalError,
  InvalidRequestError,
  OrchestratorNotFoundError,
} from './errors.js';
export type { QueryRuntimeStatus, RuntimeStatus } from './store.js';
export { EventType, eventTypeName, type HistoryEvent, type OrchestratorState, type WireAction } from './history.js';
export { invokeOrchestrator, upperSchemaVersion, upperSchemaVersionNew, type EpisodeResult } from './invokeOrchestrator.js';
export { replayActions, type ExtensionReplayResult } from './extensionReplay.js';
export { replayHistory, type ReplayResult } from './replay.js';
