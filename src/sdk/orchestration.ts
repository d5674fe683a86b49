// One playbook as a durable orchestration: read settings, check the version, comment the start, run the
// playbook's generator, then comment the summary (or the dry-run plan). On failure: comment the redacted
// error, keep the incident Active, and fail the run. No failure is silent.
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { z } from 'zod';
import { isPlannedEffect } from '../actions/action.js';
import { addComment } from '../actions/sentinel/addComment.js';
import { updateIncident } from '../actions/sentinel/updateIncident.js';
import { toIncident } from '../incident/accessors.js';
import type { IncidentData } from '../incident/model.js';
import { failureComment, planComment, startComment, summaryComment, type RunRef } from './comments.js';
import { RunContext, describeError } from './context.js';
import type { Playbook, Step } from './playbook.js';
import { readSettings } from './sdkActions.js';
import { resolveSettings, settingsPrefix } from './settings.js';

/** What a completed run returns (its durable output). */
export interface RunReport {
  playbook: string;
  version: string;
  dryRun: boolean;
  steps: { action: string; title: string; status: string; detail?: string }[];
}

const runInputSchema = z.object({
  incident: z.looseObject({ id: z.string().min(1), name: z.string().min(1), title: z.string(), entities: z.array(z.unknown()) }),
  dryRun: z.boolean().optional(),
  deliveryId: z.string().optional(),
});

/** The orchestration input. Intake adds more (playbook, match reasons, ...); only these are read. */
export interface RunInput {
  incident: IncidentData;
  /** Record side effects into a plan instead of executing them. */
  dryRun?: boolean;
  deliveryId?: string;
}

export class PlaybookRunError extends Error {
  override readonly name = 'PlaybookRunError';
}

export function parseRunInput(input: unknown): RunInput {
  const parsed = runInputSchema.safeParse(input);
  if (!parsed.success) {
    const paths = parsed.error.issues.map((i) => i.path.join('.') || '(input)').join(', ');
    throw new PlaybookRunError(`The run input is not {incident, dryRun?}: invalid ${paths}`);
  }
  // The incident was validated and normalised by intake; here only its shape is checked.
  return { ...parsed.data, incident: parsed.data.incident as unknown as IncidentData };
}

export function playbookOrchestration<S>(playbook: Playbook<S>): OrchestrationHandler {
  return function* (context: OrchestrationContext): Step<RunReport> {
    const input = parseRunInput(context.df.getInput());
    const info = { name: playbook.name, title: playbook.title, version: playbook.version };
    const dryRun = input.dryRun === true;
    const ctx = new RunContext<S>({
      df: context.df,
      playbook: info,
      incident: toIncident(input.incident),
      dryRun,
      ...(playbook.actions ? { declaredActions: playbook.actions } : {}),
    });
    const run: RunRef = { playbook: info, runId: context.df.instanceId, runUrl: '' };
    try {
      const prepared = yield* ctx.invoke(readSettings, { prefix: settingsPrefix(playbook.name) }, { record: false, dryRun: false });
      if (isPlannedEffect(prepared)) throw new PlaybookRunError('reading settings was planned instead of run');
      run.runUrl = `${prepared.publicBaseUrl}/api/runs/${encodeURIComponent(run.runId)}`;
      const startedAs = context.df.version;
      if (startedAs && startedAs !== playbook.version) {
        throw new PlaybookRunError(`the run was started with version ${startedAs} but this app has version ${playbook.version}; it is not replayed under another version`);
      }
      ctx.configure(resolveSettings(playbook.name, playbook.settings, prepared.overrides), prepared.socMailbox ?? undefined);
      if (!dryRun) yield* ctx.invoke(addComment, { incidentId: ctx.incident.id, html: startComment(run).value }, { record: false });
      yield* playbook.run(ctx);
      ctx.finish();
      const comment = dryRun ? planComment(run, ctx.steps) : summaryComment(run, ctx.steps);
      yield* ctx.invoke(addComment, { incidentId: ctx.incident.id, html: comment.value }, { record: false, dryRun: false });
    } catch (error) {
      const reason = describeError(error);
      yield* reportFailure(ctx, run, reason, dryRun);
      throw new PlaybookRunError(`Playbook '${playbook.name}' failed: ${reason}`);
    }
    return {
      playbook: playbook.name,
      version: playbook.version,
      dryRun,
      steps: ctx.steps.map(({ action, title, status, detail }) => ({ action, title, status, ...(detail ? { detail } : {}) })),
    };
  };
}

/** Best effort: the comment and the status change are each tried once more; the run fails either way. */
function* reportFailure<S>(ctx: RunContext<S>, run: RunRef, reason: string, dryRun: boolean): Step<void> {
  const comment = dryRun ? planComment(run, ctx.steps, reason) : failureComment(run, reason, ctx.steps);
  try {
    yield* ctx.invoke(addComment, { incidentId: ctx.incident.id, html: comment.value }, { record: false, dryRun: false });
  } catch {
    // The run's own failure output still carries the reason.
  }
  if (dryRun) return;
  try {
    yield* ctx.invoke(updateIncident, { incidentId: ctx.incident.id, status: 'Active' }, { record: false });
  } catch {
    // Leaving the status as it was is the next best thing.
  }
}
