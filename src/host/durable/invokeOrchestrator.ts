// Runs one orchestrator episode through the app's registered durable-functions handler, exactly as the
// extension would: the orchestrationTrigger payload in, the OrchestratorState out (or, when user code threw,
// the state carried in the error's `$OutOfProcData$` suffix).
import type { Registrations, RpcTypedData } from '../coreModule.js';
import { invokeFunction, type InvocationLog } from '../invoke.js';
import {
  longRunningTimerIntervalDuration,
  maximumShortTimerDuration,
  type OrchestrationTriggerPayload,
  type OrchestratorState,
} from './history.js';

export type EpisodeResult =
  | { kind: 'state'; state: OrchestratorState }
  /** The handler threw something other than the library's OrchestrationFailureError. */
  | { kind: 'crash'; message: string; details: string };

const outOfProcMarker = '$OutOfProcData$:';

/** ReplaySchema V2 and V4, the values the current extension sends (research §1). */
export const upperSchemaVersion = 1;
export const upperSchemaVersionNew = 3;

/**
 * The payload is passed as JSON text: `historyJson` is the JSON array of events (kept pre-serialized by the
 * caller so long histories are not re-stringified every episode).
 */
export async function invokeOrchestrator(
  registrations: Registrations,
  functionName: string,
  trigger: { historyJson: string; inputJson: string | null; instanceId: string; parentInstanceId: string | null },
  log: InvocationLog,
): Promise<EpisodeResult> {
  const rest: Omit<OrchestrationTriggerPayload, 'history' | 'input'> = {
    instanceId: trigger.instanceId,
    isReplaying: false,
    parentInstanceId: trigger.parentInstanceId,
    upperSchemaVersion,
    upperSchemaVersionNew,
    longRunningTimerIntervalDuration,
    maximumShortTimerDuration,
    defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
  };
  const payload = `{"history":${trigger.historyJson},"input":${trigger.inputJson ?? 'null'},${JSON.stringify(rest).slice(1)}`;
  let returnValue: RpcTypedData | null | undefined;
  try {
    const response = await invokeFunction(
      registrations,
      functionName,
      { inputsByType: { orchestrationTrigger: { string: payload } } },
      log,
    );
    returnValue = response.returnValue;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = message.indexOf(outOfProcMarker);
    if (at >= 0) return { kind: 'state', state: JSON.parse(message.slice(at + outOfProcMarker.length)) as OrchestratorState };
    return { kind: 'crash', message, details: err instanceof Error ? (err.stack ?? message) : message };
  }
  const value = typedDataValue(returnValue);
  if (!isOrchestratorState(value)) {
    return {
      kind: 'crash',
      message: `Function '${functionName}' did not return an orchestrator state; is it registered with df.app.orchestration?`,
      details: '',
    };
  }
  return { kind: 'state', state: value };
}

/** The worker's typed data as a JS value, with the library's rules (string: JSON if it parses). */
export function typedDataValue(data: RpcTypedData | null | undefined): unknown {
  if (!data) return null;
  if (data.json !== undefined && data.json !== null) return JSON.parse(data.json) as unknown;
  if (data.string !== undefined && data.string !== null) {
    try {
      return JSON.parse(data.string) as unknown;
    } catch {
      return data.string;
    }
  }
  if (data.int !== undefined && data.int !== null) return Number(data.int);
  if (data.double !== undefined && data.double !== null) return data.double;
  if (data.bytes !== undefined && data.bytes !== null) return Buffer.from(data.bytes).toString('base64');
  return null;
}

function isOrchestratorState(value: unknown): value is OrchestratorState {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as OrchestratorState).isDone === 'boolean' &&
    Array.isArray((value as OrchestratorState).actions)
  );
}
