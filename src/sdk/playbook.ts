// What a playbook author writes: `definePlaybook({...})` with a generator `run(ctx)`. The types here are the
// whole authoring surface; the durable plumbing lives in context.ts and orchestration.ts.
import type { Task } from 'durable-functions';
import { z } from 'zod';
import type { Action, Permission, PlannedEffect } from '../actions/action.js';
import type { SafeHtml } from '../actions/html.js';
import { azureRole } from '../actions/policies.js';
import type { Classification, Incident } from '../incident/model.js';
import type { PlaybookEntry, PlaybookTrigger } from '../routing/trigger.js';

/** A piece of orchestration code: delegate to it with `yield*` and get a typed result. */
export type Step<T> = Generator<Task, T, unknown>;

/** The result type of a Step. */
export type StepResult<S> = S extends Step<infer T> ? T : never;

/** The reason each classification takes (Sentinel rejects any other pair). */
export type ReasonFor<C extends Classification> = C extends 'TruePositive'
  ? 'SuspiciousActivity'
  : C extends 'BenignPositive'
    ? 'SuspiciousButExpected'
    : C extends 'FalsePositive'
      ? 'IncorrectAlertLogic' | 'InaccurateData'
      : undefined;

/** Whose owners `emailOwners` writes to. */
export type OwnerTarget =
  | { kind: 'githubRepository'; owner: string; repo: string }
  | { kind: 'azdoProject'; project: string }
  | { kind: 'user'; user: string };

export interface OwnerEmail {
  /** One line; incident text is allowed (the e-mail layout escapes it). */
  heading: string;
  paragraphs: readonly string[];
  facts?: ReadonlyArray<readonly [string, string]>;
  actionsTaken?: readonly string[];
}

export interface EmailOwnersResult {
  /** Who the e-mail went to (or would go to, in a dry run). */
  recipients: string[];
  /** True when no owner had an address and the SOC mailbox got the e-mail instead. */
  fellBackToSoc: boolean;
}

export interface ApprovalRequest {
  /** E-mail addresses; each approver gets personal, signed approve/reject links. */
  approvers: readonly string[];
  /** Plain text, shown in the e-mail and on the confirmation page (escaped). */
  question: string;
  timeoutInMs: number;
}

export type ApprovalOutcome = 'approved' | 'rejected' | 'timedOut';

export interface ApprovalResult {
  outcome: ApprovalOutcome;
  /** The approver who answered (absent on timeout). */
  by?: string;
  /** ISO time of the answer (absent on timeout). */
  at?: string;
  /** True in a dry run, where approval is assumed and nobody is asked. */
  assumed?: boolean;
}

export type Attempt<T> = { ok: true; value: T } | { ok: false; error: string };

export interface WaitForEntitiesOptions {
  timeoutInMs: number;
  pollIntervalInMs: number;
  /** Entity kinds that must be present (any entity when omitted). */
  kinds?: readonly string[];
}

export interface PlaybookInfo {
  readonly name: string;
  readonly title: string;
  readonly version: string;
}

/** What `run(ctx)` gets. Every method that touches the outside world is a Step: call it with `yield*`. */
export interface PlaybookContext<S> {
  readonly playbook: PlaybookInfo;
  /** The durable instance id; also the run id shown in comments and the run API. */
  readonly runId: string;
  readonly incident: Incident;
  readonly settings: Readonly<S>;
  /** In a dry run, side-effecting actions are recorded into a plan instead of executed. */
  readonly dryRun: boolean;

  /** Replay-safe current time. */
  now(): Date;
  /** Replay-safe unique id. */
  newGuid(): string;
  /** Names the current step (custom status: step, progress, completed steps). */
  step(name: string): void;
  /** Runs an action that only reads (sideEffect false) and returns its typed output. */
  read<I, O>(action: Action<I, O>, input: NoInfer<I>): Step<O>;
  /** Runs a side-effecting action; in a dry run it is planned and the result is the PlannedEffect. */
  run<I, O>(action: Action<I, O>, input: NoInfer<I>): Step<O | PlannedEffect>;
  /** Runs sub-steps concurrently; errors reach each sub-step's own try/catch, the first unhandled one is thrown after all end. */
  parallel<const T extends readonly Step<unknown>[]>(...steps: T): Step<{ -readonly [K in keyof T]: StepResult<T[K]> }>;
  /** A durable timer. */
  sleep(durationInMs: number): Step<void>;
  /** Runs a sub-step and reports its failure instead of throwing it (the step log still shows it failed). */
  attempt<T>(step: Step<T>): Step<Attempt<T>>;

  comment(body: SafeHtml): Step<void>;
  setStatus(status: 'New' | 'Active'): Step<void>;
  close<C extends Classification>(classification: C, reason: ReasonFor<C>, comment?: string): Step<void>;
  /** Assigns the incident (UPN / e-mail, or an Entra object id). */
  assign(owner: string): Step<void>;
  addLabels(...labels: string[]): Step<void>;
  addTask(title: string, description: string): Step<void>;
  /** E-mails a repository's owners (GitHub: admins + CODEOWNERS; Azure DevOps: project administrators) or a user's manager. */
  emailOwners(target: OwnerTarget, message: OwnerEmail): Step<EmailOwnersResult>;
  /** E-mails a plain message to explicit recipients (e.g. the committer or the SOC mailbox). */
  email(to: readonly string[], message: OwnerEmail): Step<void>;
  /** Asks approvers by e-mail with signed links and waits for the first answer or the timeout. */
  approval(request: ApprovalRequest): Step<ApprovalResult>;
  /** Re-reads the incident's entities until some (of the given kinds) are present or the timeout passes. */
  waitForEntities(options: WaitForEntitiesOptions): Step<Incident>;
  /** The SOC mailbox (setting SOC_MAILBOX). */
  readonly socMailbox: string | undefined;
}

export type PlaybookRunFunction<S> = (ctx: PlaybookContext<S>) => Step<void>;

export interface PlaybookDefinition<Shape extends z.ZodRawShape> {
  /** kebab-case, e.g. 'secret-committed'; the orchestration is named 'playbook-<name>'. */
  name: string;
  title: string;
  description: string;
  /** Semantic version; every run records it and refuses to replay under another one. */
  version: string;
  when: PlaybookTrigger;
  /** Every setting needs a default; overrides come from app settings PLAYBOOK_<NAME>_<SETTING>. */
  settings: z.ZodObject<Shape>;
  /**
   * Every action the playbook may call, directly or through a helper (emailOwners → getRepositoryOwners /
   * getProjectAdministrators / getManager + sendEmail, ...). When given, GET /api/playbooks lists the
   * permissions they need, and a call to an action not listed fails the run (so the list stays true).
   */
  actions?: readonly AnyAction[];
  run: PlaybookRunFunction<z.output<z.ZodObject<Shape>>>;
}

/** An action of any input and output (for lists of actions). */
export type AnyAction = Action<unknown, unknown>;

/** A defined playbook: a catalogue entry plus what the runtime needs to run it. */
export interface Playbook<S = unknown> extends PlaybookEntry {
  readonly description: string;
  readonly settings: SettingsSchema<S>;
  /** Names of the declared actions (absent when the playbook declares none). */
  readonly actions?: readonly string[];
  /** What the declared actions and every run's own incident updates need granted. */
  readonly permissions?: readonly Permission[];
  run(ctx: PlaybookContext<S>): Step<void>;
}

/** A zod object schema whose output is S (every field with a default). */
export type SettingsSchema<S> = z.ZodType<S> & { readonly shape: Readonly<Record<string, z.core.$ZodType>> };

/** Every run comments on its incident and sets it Active on failure (sentinel.addComment, updateIncident). */
const runPermissions: readonly Permission[] = [azureRole('Sentinel', 'Microsoft Sentinel Responder')];

function permissionsOf(actions: readonly AnyAction[]): Permission[] {
  const byKey = new Map<string, Permission>();
  for (const p of [...runPermissions, ...actions.flatMap((a) => a.permissions)]) byKey.set(`${p.api}|${p.kind}|${p.name}`, p);
  return [...byKey.values()];
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

export class PlaybookDefinitionError extends Error {
  override readonly name = 'PlaybookDefinitionError';
}

export function orchestrationNameOf(playbookName: string): string {
  return `playbook-${playbookName}`;
}

export function definePlaybook<Shape extends z.ZodRawShape>(def: PlaybookDefinition<Shape>): Playbook<z.output<z.ZodObject<Shape>>> {
  const problems: string[] = [];
  if (!NAME.test(def.name)) problems.push(`name '${def.name}' must be kebab-case`);
  if (!VERSION.test(def.version)) problems.push(`version '${def.version}' must be a semantic version (1.2.3)`);
  if (!def.title.trim()) problems.push('title is empty');
  if (!def.description.trim()) problems.push('description is empty');
  const defaults = def.settings.safeParse({});
  if (!defaults.success) {
    const paths = defaults.error.issues.map((i) => i.path.join('.')).join(', ');
    problems.push(`every setting needs a default (missing for: ${paths})`);
  }
  if (problems.length > 0) throw new PlaybookDefinitionError(`Playbook '${def.name}': ${problems.join('; ')}`);
  return Object.freeze({
    name: def.name,
    title: def.title,
    description: def.description,
    version: def.version,
    trigger: def.when,
    orchestrationName: orchestrationNameOf(def.name),
    settings: def.settings,
    ...(def.actions ? { actions: def.actions.map((a) => a.name), permissions: permissionsOf(def.actions) } : {}),
    run: def.run,
  });
}

/** True for catalogue entries made with definePlaybook. */
export function isPlaybook(entry: PlaybookEntry): entry is Playbook<unknown> {
  const candidate = entry as Partial<Playbook<unknown>>;
  return typeof candidate.run === 'function' && typeof candidate.settings === 'object' && typeof candidate.description === 'string';
}
