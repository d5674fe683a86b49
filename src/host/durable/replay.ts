// Replays a recorded history offline: the orchestrator (the app's own handler) and the host's extension-side
// check, as in one episode whose new events are those after the last OrchestratorStarted. For tooling
// (`soar replay`) and the contract tests.
import { randomUUID } from 'node:crypto';
import type { Registrations } from '../coreModule.js';
import { replayActions, type ExtensionReplayResult } from './extensionReplay.js';
import { EventType, longRunningTimerIntervalMs, maximumShortTimerMs, type HistoryEvent } from './history.js';
import { invokeOrchestrator, type EpisodeResult } from './invokeOrchestrator.js';

export interface ReplayResult {
  /** What the orchestrator returned (or how its handler failed). */
  episode: EpisodeResult;
  /** What the host derives from it: new scheduling events, whether it waits, non-determinism. */
  host: ExtensionReplayResult | undefined;
}

export async function replayHistory(
  registrations: Registrations,
  orchestrator: string,
  history: HistoryEvent[],
  options: {
    instanceId: string;
    input?: unknown;
    parentInstanceId?: string;
    /** Names sub-orchestrations started without an id (`<executionId>:<taskId>`); a new id when absent. */
    executionId?: string;
  },
): Promise<ReplayResult> {
  const episode = await invokeOrchestrator(
    registrations,
    orchestrator,
    {
      historyJson: JSON.stringify(history),
      inputJson: JSON.stringify(options.input ?? null),
      instanceId: options.instanceId,
      parentInstanceId: options.parentInstanceId ?? null,
    },
    () => undefined,
  );
  if (episode.kind !== 'state') return { episode, host: undefined };
  const lastStart = history.filter((e) => e.EventType === EventType.OrchestratorStarted).at(-1);
  const host = replayActions(history, episode.state.actions[0] ?? [], {
    executionId: options.executionId ?? randomUUID(),
    nowMs: lastStart ? Date.parse(lastStart.Timestamp) : 0,
    maximumShortTimerMs,
    longRunningTimerIntervalMs,
  });
  return { episode, host };
}
