// The status document of the Durable HTTP API (what the client's DurableOrchestrationStatus is built from)
// and the history as that API shows it.
import { EventType, type HistoryEvent } from './history.js';
import type { InstanceRow, RuntimeStatus } from './store.js';

export interface OrchestrationStatus {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Record<string, unknown>[];
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function parseJson(text: string | null): unknown {
  return text === null ? null : (JSON.parse(text) as unknown);
}

export function toStatus(row: InstanceRow, showInput: boolean): OrchestrationStatus {
  return {
    name: row.name,
    instanceId: row.id,
    runtimeStatus: row.status,
    input: showInput ? parseJson(row.input) : null,
    customStatus: parseJson(row.customStatus),
    output: parseJson(row.output),
    createdTime: isoSeconds(row.createdAt),
    lastUpdatedTime: isoSeconds(row.updatedAt),
  };
}

/** History as the Durable HTTP API shows it: scheduling folded into completions, names as strings. */
export function presentHistory(events: HistoryEvent[], showOutput: boolean): Record<string, unknown>[] {
  const scheduled = new Map<number, HistoryEvent>();
  const shown: Record<string, unknown>[] = [];
  const json = (text: string | null | undefined): unknown => (text === undefined ? undefined : parseJson(text));
  for (const e of events) {
    switch (e.EventType) {
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
        scheduled.set(e.EventId, e);
        break;
      case EventType.ExecutionStarted:
        shown.push({ EventType: 'ExecutionStarted', FunctionName: e.Name, Timestamp: e.Timestamp, ...(showOutput ? { Input: json(e.Input) } : {}) });
        break;
      case EventType.TaskCompleted:
      case EventType.SubOrchestrationInstanceCompleted: {
        const s = scheduled.get(e.TaskScheduledId ?? -1);
        shown.push({
          EventType: e.EventType === EventType.TaskCompleted ? 'TaskCompleted' : 'SubOrchestrationInstanceCompleted',
          FunctionName: s?.Name,
          ...(s?.InstanceId ? { InstanceId: s.InstanceId } : {}),
          ScheduledTime: s?.Timestamp,
          Timestamp: e.Timestamp,
          ...(showOutput ? { Result: json(e.Result) } : {}),
        });
        break;
      }
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceFailed: {
        const s = scheduled.get(e.TaskScheduledId ?? -1);
        shown.push({
          EventType: e.EventType === EventType.TaskFailed ? 'TaskFailed' : 'SubOrchestrationInstanceFailed',
          FunctionName: s?.Name,
          ...(s?.InstanceId ? { InstanceId: s.InstanceId } : {}),
          ScheduledTime: s?.Timestamp,
          Timestamp: e.Timestamp,
          Reason: e.Reason,
          Details: e.Details,
        });
        break;
      }
      case EventType.TimerCreated:
        shown.push({ EventType: 'TimerCreated', FireAt: e.FireAt, Timestamp: e.Timestamp });
        break;
      case EventType.TimerFired:
        shown.push({ EventType: 'TimerFired', FireAt: e.FireAt, Timestamp: e.Timestamp });
        break;
      case EventType.EventRaised:
        shown.push({ EventType: 'EventRaised', Name: e.Name, Timestamp: e.Timestamp, ...(showOutput ? { Input: json(e.Input) } : {}) });
        break;
      case EventType.ExecutionCompleted:
        shown.push({
          EventType: 'ExecutionCompleted',
          OrchestrationStatus: e.OrchestrationStatus,
          Timestamp: e.Timestamp,
          ...(showOutput ? { Result: json(e.Result) } : {}),
        });
        break;
      case EventType.ExecutionTerminated:
        shown.push({ EventType: 'ExecutionTerminated', Timestamp: e.Timestamp, Input: json(e.Input) });
        break;
      case EventType.ExecutionSuspended:
      case EventType.ExecutionResumed:
        shown.push({
          EventType: e.EventType === EventType.ExecutionSuspended ? 'ExecutionSuspended' : 'ExecutionResumed',
          Timestamp: e.Timestamp,
          ...(e.Reason ? { Reason: e.Reason } : {}),
        });
        break;
      default:
        break;
    }
  }
  return shown;
}
