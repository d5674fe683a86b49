// The PlaybookContext implementation: typed action handles over durable activities, the incident helpers,
// approvals, parallel steps and the step log that the run summary is built from. Everything here runs
// inside the orchestrator, so it is deterministic: ids come from counters, time from the durable context.
import type { DurableOrchestrationContext, Task, TimerTask } from 'durable-functions';
import { z } from 'zod';
import { isPlannedEffect, type Action, type ActionEnvelope, type ActionRetryPolicy, type PlannedEffect } from '../actions/action.js';
import { renderIncidentEmail } from '../actions/email/templates.js';
import { sendEmail } from '../actions/email/sendEmail.js';
import { getManager } from '../actions/entra/getManager.js';
import { getRepositoryOwners } from '../actions/github/getRepositoryOwners.js';
import { getProjectAdministrators } from '../actions/azdo/getProjectAdministrators.js';
import type { SafeHtml } from '../actions/html.js';
import { addComment } from '../actions/sentinel/addComment.js';
import { addTask } from '../actions/sentinel/addTask.js';
import { listEntities } from '../actions/sentinel/listEntities.js';
import { updateIncident } from '../actions/sentinel/updateIncident.js';
import { isRetryableStatus } from '../clients/errors.js';
import { redact } from '../clients/redact.js';
import { toIncident } from '../incident/accessors.js';
import type { Classification, EntityData, Incident } from '../incident/model.js';
import type { JsonObject } from '../incident/untrustedJson.js';
import type {
  ApprovalRequest,
  Attempt,
  ApprovalResult,
  EmailOwnersResult,
  OwnerEmail,
  OwnerTarget,
  PlaybookContext,
  PlaybookInfo,
  ReasonFor,
  Step,
  StepResult,
  WaitForEntitiesOptions,
} from './playbook.js';
import { approverAddress, maxApproverLength, maxApprovers, maxQuestionLength, requestApproval } from './sdkActions.js';

export type StepStatus = 'succeeded' | 'planned' | 'failed';

/** One action (or approval) of a run, as the summary and the plan report it. */
export interface StepRecord {
  key: string;
  action: string;
  title: string;
  status: StepStatus;
  /** Set for planned steps: the input the action would have run with (redacted when rendered). */
  input?: unknown;
  /** A one-line outcome (approval answer) or the redacted error. */
  detail?: string;
}

export interface PendingApproval {
  id: string;
  question: string;
  approvers: string[];
  status: 'pending' | 'approved' | 'rejected' | 'timedOut' | 'assumed';
  deadline: string;
  /** Who answered, once someone has. */
  by?: string;
}

/**
 * The orchestration's custom status (what the run API and the approval page read). It is published on every
 * step and bounded (see boundCustomStatus): the Durable extension fails an orchestration whose custom status
 * is larger than 16 KB.
 */
export interface RunCustomStatus {
  playbook: string;
  version: string;
  dryRun: boolean;
  step: string;
  /** Number of completed steps. */
  progress: number;
  /** The most recent completed steps, oldest first (at most `maxListedSteps`; `progress` counts them all). */
  completedSteps: string[];
  actions: number;
  approval?: PendingApproval;
}

/** How many completed steps the custom status lists. */
export const maxListedSteps = 20;
/** Step names are cut to this length in the custom status. */
export const maxStepNameLength = 200;
/**
 * The custom status JSON stays within this many characters: 14 KB of UTF-16, under the extension's limit
 * (DurableOrchestrationContext.SetCustomStatus: 16 KB of UTF-16, else the orchestration fails).
 */
export const customStatusBudget = 7 * 1024;

function clip(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

/**
 * The custom status as published: step names cut to `maxStepNameLength`, the question shortened if its JSON
 * would not fit (a question full of characters JSON escapes), and as many of the most recent completed
 * steps (up to `maxListedSteps`) as fit in `customStatusBudget` characters of JSON. The approvers are never
 * cut (approvals are checked against them); ctx.approval bounds them.
 */
export function boundCustomStatus(status: RunCustomStatus): RunCustomStatus {
  const bounded: RunCustomStatus = {
    ...status,
    playbook: clip(status.playbook, maxStepNameLength),
    version: clip(status.version, maxStepNameLength),
    step: clip(status.step, maxStepNameLength),
    completedSteps: [],
  };
  if (status.approval) {
    const { by, ...approval } = status.approval;
    bounded.approval = { ...approval, approvers: [...approval.approvers], ...(by === undefined ? {} : { by: clip(by, maxApproverLength) }) };
  }
  let size = JSON.stringify(bounded).length;
  const approval = bounded.approval;
  while (size > customStatusBudget && approval && approval.question.length > 1) {
    approval.question = clip(approval.question, Math.max(1, approval.question.length - (size - customStatusBudget)));
    size = JSON.stringify(bounded).length;
  }
  const listed: string[] = [];
  for (let i = status.completedSteps.length - 1; i >= 0 && listed.length < maxListedSteps; i--) {
    const name = clip(status.completedSteps[i]!, maxStepNameLength);
    const added = JSON.stringify(name).length + (listed.length > 0 ? 1 : 0);
    if (size + added > customStatusBudget) break;
    size += added;
    listed.push(name);
  }
  bounded.completedSteps = listed.reverse();
  return bounded;
}

/** The payload raised on the run as the approval's external event. */
export const approvalEventSchema = z.object({
  decision: z.enum(['approved', 'rejected']),
  by: z.string().min(1),
  at: z.string().min(1),
});
export type ApprovalEvent = z.infer<typeof approvalEventSchema>;

/** An action that failed after its retries; playbooks may catch it. */
export class ActionFailedError extends Error {
  override readonly name = 'ActionFailedError';
  constructor(
    readonly action: string,
    readonly title: string,
    readonly reason: string,
  ) {
    super(`${title} (${action}) failed: ${reason}`);
  }
}

/** The first line of a durable task error, without the host's "Activity function 'x' failed:" prefix, redacted. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const reason = message.split(' \n ')[0]!.split('\n')[0]!;
  return redact(reason.replace(/^Activity function '[^']*' failed:\s*/, '')).slice(0, 1000);
}

/**
 * Whether a failed action is worth another attempt. Durable Functions' own retry (callActivityWithRetry)
 * retries every failure; actions mark theirs retryable or not (SoarError.retryable), but only the message
 * crosses the activity boundary. So the message formats of src/clients/errors.ts decide: a remote API error
 * with a status that is not transient, invalid input or output, and a missing setting are permanent;
 * anything else (throttling, 5xx, resets, timeouts, host failures) is retried.
 */
export function isRetryableFailure(reason: string): boolean {
  const remote = /^(?:Sentinel|Graph|ACS|GitHub|AzureDevOps) API (\d{3})\b/.exec(reason);
  if (remote) return isRetryableStatus(Number(remote[1]));
  return !/^(?:Invalid |Setting |\S+ returned invalid output)/.test(reason);
}

/** Delay before retry number `retry` (1-based), per the action's policy. */
export function retryDelayInMs(policy: ActionRetryPolicy, retry: number): number {
  const delay = policy.retryMode === 'exponential' ? policy.retryDelayInMs * 2 ** (retry - 1) : policy.retryDelayInMs;
  return Math.min(delay, policy.maxRetryDelayInMs ?? Number.POSITIVE_INFINITY);
}

export interface RunContextOptions {
  df: DurableOrchestrationContext;
  playbook: PlaybookInfo;
  incident: Incident;
  dryRun: boolean;
  /** The actions the playbook declares; a call to any other fails (absent: no check). */
  declaredActions?: readonly string[];
}

export class RunContext<S> implements PlaybookContext<S> {
  readonly playbook: PlaybookInfo;
  readonly runId: string;
  readonly dryRun: boolean;
  readonly steps: StepRecord[] = [];
  #settings: { value: S; socMailbox: string | undefined } | undefined;
  #incident: Incident;
  readonly #df: DurableOrchestrationContext;
  readonly #declared: ReadonlySet<string> | undefined;
  #sequence = 0;
  #approvals = 0;
  #guids = 0;
  #status: RunCustomStatus;

  constructor(options: RunContextOptions) {
    this.#df = options.df;
    this.playbook = options.playbook;
    this.runId = options.df.instanceId;
    this.#incident = options.incident;
    this.dryRun = options.dryRun;
    this.#declared = options.declaredActions ? new Set(options.declaredActions) : undefined;
    this.#status = {
      playbook: this.playbook.name,
      version: this.playbook.version,
      dryRun: this.dryRun,
      step: 'Starting',
      progress: 0,
      completedSteps: [],
      actions: 0,
    };
    this.#publish();
  }

  get incident(): Incident {
    return this.#incident;
  }

  /** Settings are read by the run's first activity; the playbook's code only runs after that. */
  configure(settings: S, socMailbox: string | undefined): void {
    this.#settings = { value: settings, socMailbox };
  }

  get settings(): Readonly<S> {
    if (!this.#settings) throw new Error('Playbook settings are not read yet');
    return this.#settings.value;
  }

  get socMailbox(): string | undefined {
    return this.#settings?.socMailbox;
  }

  now(): Date {
    return this.#df.currentUtcDateTime;
  }

  newGuid(): string {
    return this.#df.newGuid(`${this.runId}:${++this.#guids}`);
  }

  step(name: string): void {
    if (this.#status.step !== 'Starting') {
      const completed = this.#status.completedSteps;
      completed.push(this.#status.step);
      if (completed.length > maxListedSteps) completed.shift(); // only the most recent ones are published
      this.#status.progress++;
    }
    this.#status.step = name;
    this.#publish();
  }

  /** Marks the last step done (at the end of a successful run). */
  finish(): void {
    this.step('Completed');
  }

  *read<I, O>(action: Action<I, O>, input: NoInfer<I>): Step<O> {
    if (action.sideEffect) {
      throw new Error(`${action.name} has side effects: call it with ctx.run, which plans it in a dry run`);
    }
    const result = yield* this.invoke(action, input, { record: true });
    if (isPlannedEffect(result)) throw new Error(`${action.name} is a read but was planned`);
    return result;
  }

  *run<I, O>(action: Action<I, O>, input: NoInfer<I>): Step<O | PlannedEffect> {
    return yield* this.invoke(action, input, { record: true });
  }

  /**
   * Calls the action's activity with its retry policy. `record` puts it in the step log (the SDK's own
   * bookkeeping comments are not); `dryRun` overrides the run's flag (the dry-run plan comment is real).
   */
  *invoke<I, O>(action: Action<I, O>, input: I, options: { record: boolean; dryRun?: boolean }): Step<O | PlannedEffect> {
    if (options.record) this.#checkDeclared(action.name);
    const key = `${++this.#sequence}-${action.name}`;
    // Every attempt has the same step key, so the action's deterministic ids make a retry idempotent.
    const envelope: ActionEnvelope = { input, instanceId: this.runId, stepKey: key, dryRun: options.dryRun ?? this.dryRun };
    let result: unknown;
    for (let retry = 1; ; retry++) {
      try {
        result = yield this.#df.callActivity(action.activityName, envelope);
        break;
      } catch (error) {
        const reason = describeError(error);
        if (retry > action.retry.maxRetries || !isRetryableFailure(reason)) {
          const attempts = retry > 1 ? ` (after ${retry} attempts)` : '';
          if (options.record) this.#record({ key, action: action.name, title: action.title, status: 'failed', detail: reason + attempts });
          throw new ActionFailedError(action.name, action.title, reason);
        }
        yield* this.sleep(retryDelayInMs(action.retry, retry));
      }
    }
    if (isPlannedEffect(result)) {
      if (options.record) this.#record({ key, action: action.name, title: action.title, status: 'planned', input: result.input });
      return result;
    }
    const output = action.output.safeParse(result);
    if (!output.success) {
      const reason = `returned output that does not match its schema: ${output.error.issues[0]?.message ?? ''}`;
      if (options.record) this.#record({ key, action: action.name, title: action.title, status: 'failed', detail: reason });
      throw new ActionFailedError(action.name, action.title, reason);
    }
    if (options.record) this.#record({ key, action: action.name, title: action.title, status: 'succeeded' });
    return output.data;
  }

  *parallel<const T extends readonly Step<unknown>[]>(...steps: T): Step<{ -readonly [K in keyof T]: StepResult<T[K]> }> {
    // Lock-step rounds: advance every sub-step to its next task, wait for the round with Task.all, then feed
    // each sub-step its own result or error. A task from a failed round that is still running is awaited on
    // its own (never re-wrapped in a new Task.all, which would schedule it twice).
    type Feed = { ok: true; value: unknown } | { ok: false; error: unknown };
    const results: unknown[] = new Array(steps.length);
    const failures: { index: number; error: unknown }[] = [];
    const feeds: (Feed | undefined)[] = steps.map(() => ({ ok: true, value: undefined }));
    for (;;) {
      const round: { index: number; task: Task }[] = [];
      steps.forEach((step, index) => {
        const feed = feeds[index];
        if (!feed) return;
        feeds[index] = undefined;
        try {
          const next = feed.ok ? step.next(feed.value) : step.throw(feed.error);
          if (next.done) results[index] = next.value;
          else round.push({ index, task: next.value });
        } catch (error) {
          failures.push({ index, error });
        }
      });
      if (round.length === 0) break;
      try {
        const values = round.length === 1 ? [yield round[0]!.task] : ((yield this.#df.Task.all(round.map((r) => r.task))) as unknown[]);
        round.forEach((r, i) => (feeds[r.index] = { ok: true, value: values[i] }));
      } catch {
        for (const r of round) {
          if (r.task.isCompleted) feeds[r.index] = { ok: true, value: r.task.result };
          else if (r.task.isFaulted) feeds[r.index] = { ok: false, error: r.task.result };
          else {
            try {
              feeds[r.index] = { ok: true, value: yield r.task };
            } catch (error) {
              feeds[r.index] = { ok: false, error };
            }
          }
        }
      }
    }
    if (failures.length > 0) throw failures.sort((a, b) => a.index - b.index)[0]!.error;
    return results as { -readonly [K in keyof T]: StepResult<T[K]> };
  }

  *attempt<T>(step: Step<T>): Step<Attempt<T>> {
    try {
      return { ok: true, value: yield* step };
    } catch (error) {
      return { ok: false, error: error instanceof ActionFailedError ? error.message : describeError(error) };
    }
  }

  *sleep(durationInMs: number): Step<void> {
    yield this.#df.createTimer(new Date(this.now().getTime() + durationInMs));
  }

  *comment(body: SafeHtml): Step<void> {
    yield* this.run(addComment, { incidentId: this.#incident.id, html: body.value });
  }

  *setStatus(status: 'New' | 'Active'): Step<void> {
    yield* this.run(updateIncident, { incidentId: this.#incident.id, status });
  }

  *close<C extends Classification>(classification: C, reason: ReasonFor<C>, comment?: string): Step<void> {
    yield* this.run(updateIncident, {
      incidentId: this.#incident.id,
      status: 'Closed',
      classification,
      ...(reason === undefined ? {} : { classificationReason: reason }),
      ...(comment === undefined ? {} : { classificationComment: comment }),
    });
  }

  *assign(owner: string): Step<void> {
    const isObjectId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(owner);
    const ownerField = isObjectId ? { objectId: owner } : { userPrincipalName: owner, email: owner, assignedTo: owner };
    yield* this.run(updateIncident, { incidentId: this.#incident.id, owner: ownerField });
  }

  *addLabels(...labels: string[]): Step<void> {
    yield* this.run(updateIncident, { incidentId: this.#incident.id, labelsToAdd: labels });
  }

  *addTask(title: string, description: string): Step<void> {
    yield* this.run(addTask, { incidentId: this.#incident.id, title, description, status: 'New' });
  }

  *emailOwners(target: OwnerTarget, message: OwnerEmail): Step<EmailOwnersResult> {
    const owners = yield* this.#ownerAddresses(target);
    const recipients = owners.length > 0 ? owners : this.socMailbox ? [this.socMailbox] : [];
    if (recipients.length === 0) {
      throw new Error(`No owner of ${describeTarget(target)} has an e-mail address, and SOC_MAILBOX is not set`);
    }
    const fellBackToSoc = owners.length === 0;
    const paragraphs = fellBackToSoc
      ? [`No owner of ${describeTarget(target)} has a known e-mail address, so this went to the SOC mailbox.`, ...message.paragraphs]
      : message.paragraphs;
    yield* this.email(recipients, { ...message, paragraphs });
    return { recipients, fellBackToSoc };
  }

  *email(to: readonly string[], message: OwnerEmail): Step<void> {
    const rendered = renderIncidentEmail({
      incident: this.#emailIncident(),
      heading: message.heading,
      paragraphs: message.paragraphs,
      ...(message.facts ? { facts: message.facts } : {}),
      ...(message.actionsTaken ? { actionsTaken: message.actionsTaken } : {}),
    });
    yield* this.run(sendEmail, {
      to: [...new Set(to.map((a) => a.toLowerCase()))].map((address) => ({ address })),
      cc: [],
      subject: rendered.subject,
      html: rendered.html,
      plainText: rendered.plainText,
    });
  }

  *approval(request: ApprovalRequest): Step<ApprovalResult> {
    this.#checkDeclared('email.sendEmail', 'approval');
    checkApprovalRequest(request);
    const id = `approval-${++this.#approvals}`;
    const deadline = new Date(this.now().getTime() + request.timeoutInMs);
    const approval: PendingApproval = {
      id,
      question: request.question,
      approvers: [...request.approvers],
      status: 'pending',
      deadline: deadline.toISOString(),
    };
    this.#status.approval = approval;
    this.#publish();
    const sent = yield* this.invoke(
      requestApproval,
      {
        approvalId: id,
        approvers: [...request.approvers],
        question: request.question,
        timeoutInMs: request.timeoutInMs,
        playbookTitle: this.playbook.title,
        incident: this.#approvalIncident(),
      },
      { record: false },
    );
    const title = `Approval: ${request.question}`;
    const key = `${this.#sequence}-approval`;
    if (isPlannedEffect(sent)) {
      approval.status = 'assumed';
      this.#publish();
      this.#record({ key, action: 'approval', title, status: 'planned', input: sent.input, detail: 'a dry run assumes approval' });
      return { outcome: 'approved', assumed: true };
    }
    const answer = this.#df.waitForExternalEvent(id);
    const timer: TimerTask = this.#df.createTimer(deadline);
    const winner = yield this.#df.Task.any([answer, timer]);
    let result: ApprovalResult;
    if (winner === answer) {
      timer.cancel();
      const event = approvalEventSchema.safeParse(answer.result);
      if (!event.success) throw new Error(`The answer to ${id} is not a valid approval event`);
      result = { outcome: event.data.decision, by: event.data.by, at: event.data.at };
    } else {
      result = { outcome: 'timedOut' };
    }
    approval.status = result.outcome;
    if (result.by) approval.by = result.by;
    this.#publish();
    const detail = result.by ? `${result.outcome} by ${result.by} at ${result.at}` : 'timed out: nobody answered';
    this.#record({ key, action: 'approval', title, status: 'succeeded', detail });
    return result;
  }

  *waitForEntities(options: WaitForEntitiesOptions): Step<Incident> {
    const deadline = this.now().getTime() + options.timeoutInMs;
    const present = (incident: Incident): boolean =>
      options.kinds ? options.kinds.every((k) => incident.entitiesOfKind(k).length > 0) : incident.entities.length > 0;
    while (!present(this.#incident)) {
      const { entities } = yield* this.read(listEntities, { incidentId: this.#incident.id });
      this.#incident = toIncident({ ...this.#incident, entities: entities.map(toEntityData) });
      if (present(this.#incident) || this.now().getTime() + options.pollIntervalInMs > deadline) break;
      yield* this.sleep(options.pollIntervalInMs);
    }
    return this.#incident;
  }

  *#ownerAddresses(target: OwnerTarget): Step<string[]> {
    switch (target.kind) {
      case 'githubRepository': {
        const { emails } = yield* this.read(getRepositoryOwners, { owner: target.owner, repo: target.repo });
        return emails;
      }
      case 'azdoProject': {
        const { emails } = yield* this.read(getProjectAdministrators, { project: target.project });
        return emails;
      }
      case 'user': {
        const { manager } = yield* this.read(getManager, { user: target.user });
        const address = manager?.mail ?? manager?.userPrincipalName;
        return address ? [address] : [];
      }
    }
  }

  #emailIncident(): { number?: number; title: string; severity: string; url?: string } {
    const i = this.#incident;
    return {
      title: i.title,
      severity: i.severity,
      ...(i.number === undefined ? {} : { number: i.number }),
      ...(i.portalUrl === undefined ? {} : { url: i.portalUrl }),
    };
  }

  #approvalIncident(): { number?: number; title: string; url?: string } {
    const { severity: _severity, ...rest } = this.#emailIncident();
    return rest;
  }

  #checkDeclared(action: string, via?: string): void {
    if (this.#declared && !this.#declared.has(action)) {
      const how = via ? ` (through ctx.${via})` : '';
      throw new Error(`Playbook '${this.playbook.name}' calls ${action}${how}, which its definition does not list in actions`);
    }
  }

  #record(step: StepRecord): void {
    this.steps.push(step);
    this.#status.actions = this.steps.length;
    this.#publish();
  }

  #publish(): void {
    this.#df.setCustomStatus(boundCustomStatus(this.#status));
  }
}

/**
 * The approval goes into the custom status (its approvers uncut), so it is checked before it is published, as
 * the sdk.requestApproval action checks it: an approver that is not an e-mail address (characters JSON escapes,
 * say) fails here with its own error, not later with the custom status's size.
 */
export function checkApprovalRequest(request: ApprovalRequest): void {
  const { approvers, question } = request;
  if (approvers.length < 1 || approvers.length > maxApprovers) {
    throw new Error(`ctx.approval needs 1 to ${maxApprovers} approvers (got ${approvers.length})`);
  }
  if (approvers.some((a) => a.length > maxApproverLength)) {
    throw new Error(`ctx.approval: an approver address is longer than ${maxApproverLength} characters`);
  }
  const invalid = approvers.findIndex((a) => !approverAddress.safeParse(a).success);
  if (invalid !== -1) {
    throw new Error(`ctx.approval: approver ${invalid + 1} of ${approvers.length} is not an e-mail address`);
  }
  if (question.length > maxQuestionLength) {
    throw new Error(`ctx.approval: the question is longer than ${maxQuestionLength} characters (${question.length})`);
  }
}

function describeTarget(target: OwnerTarget): string {
  switch (target.kind) {
    case 'githubRepository':
      return `GitHub repository ${target.owner}/${target.repo}`;
    case 'azdoProject':
      return `Azure DevOps project ${target.project}`;
    case 'user':
      return `user ${target.user}`;
  }
}

function toEntityData(entity: { kind: string; id: string; properties: Record<string, unknown> }): EntityData {
  const properties = JSON.parse(JSON.stringify(entity.properties)) as JsonObject;
  const friendlyName = typeof properties.friendlyName === 'string' ? properties.friendlyName : undefined;
  const kind = entity.kind.charAt(0).toUpperCase() + entity.kind.slice(1);
  return { kind, id: entity.id, properties, ...(friendlyName === undefined ? {} : { friendlyName }) };
}
