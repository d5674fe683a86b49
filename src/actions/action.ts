// The action contract: a typed, schema-checked unit of side effect (or read) that the durable runtime runs
// as one activity. Playbooks reach actions through these objects; functions/actions.ts registers them.

import { z } from 'zod';
import { SoarError, ValidationError, type ValidationIssue } from '../clients/errors.js';
import { redact } from '../clients/redact.js';

export interface ActionRetryPolicy {
  maxRetries: number;
  retryDelayInMs: number;
  maxRetryDelayInMs?: number;
  retryMode?: 'fixed' | 'exponential';
}

export interface Permission {
  api: 'Sentinel' | 'Graph' | 'ACS' | 'GitHub' | 'AzureDevOps';
  name: string;
  kind: 'azureRole' | 'graphAppRole' | 'githubAppPermission' | 'azdoPermission';
  grantedBy: 'arm' | 'manual';
}

export interface ActionContext {
  instanceId: string;
  stepKey: string;
  dryRun: boolean;
  log(message: string): void;
  signal: AbortSignal;
}

export interface Action<I, O> {
  /** 'github.archiveRepository' (vendor.verbNoun) */
  readonly name: string;
  /** Azure function name derived from name: 'github-archiveRepository' */
  readonly activityName: string;
  readonly title: string;
  readonly description: string;
  readonly input: z.ZodType<I>;
  readonly output: z.ZodType<O>;
  readonly permissions: readonly Permission[];
  readonly retry: ActionRetryPolicy;
  readonly timeoutInMs: number;
  /** false for reads: a dry run executes reads and records side effects into a plan */
  readonly sideEffect: boolean;
  run(input: I, ctx: ActionContext): Promise<O>;
}

/** What a dry run returns instead of running a side-effecting action. */
export interface PlannedEffect {
  planned: true;
  action: string;
  title: string;
  input: unknown;
}

export interface ActionEnvelope {
  input: unknown;
  instanceId: string;
  stepKey: string;
  dryRun: boolean;
}

const NAME = /^(sentinel|email|entra|github|azdo)\.[a-z][A-Za-z]+$/;

export function defineAction<I, O>(def: Omit<Action<I, O>, 'activityName'>): Action<I, O> {
  if (!NAME.test(def.name)) throw new Error(`Action name '${def.name}' is not vendor.verbNoun`);
  return Object.freeze({ ...def, activityName: def.name.replace('.', '-') });
}

export function isPlannedEffect(value: unknown): value is PlannedEffect {
  return typeof value === 'object' && value !== null && (value as { planned?: unknown }).planned === true;
}

function zodIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

const envelopeSchema = z.object({
  input: z.unknown(),
  instanceId: z.string().min(1),
  stepKey: z.string().min(1),
  dryRun: z.boolean(),
});

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function asSoarError(action: string, error: unknown): SoarError {
  if (error instanceof SoarError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SoarError(`${action} failed: ${message}`, { code: 'Unexpected', retryable: false });
}

/**
 * Runs one action for the durable activity: validates input, plans instead of acting in a dry run, enforces
 * the timeout, validates output, and throws only SoarErrors with redacted messages.
 */
export async function executeAction<I, O>(
  action: Action<I, O>,
  envelope: ActionEnvelope,
  log: (message: string) => void,
): Promise<O | PlannedEffect> {
  const checkedEnvelope = envelopeSchema.safeParse(envelope);
  if (!checkedEnvelope.success) throw new ValidationError(`activity envelope of ${action.name}`, zodIssues(checkedEnvelope.error));
  const { instanceId, stepKey, dryRun } = checkedEnvelope.data;

  const parsed = action.input.safeParse(envelope.input);
  if (!parsed.success) throw new ValidationError(`input of ${action.name}`, zodIssues(parsed.error));
  if (dryRun && action.sideEffect) return { planned: true, action: action.name, title: action.title, input: parsed.data };

  const controller = new AbortController();
  const timer = setTimeout(() => {
    const error = new SoarError(`${action.name} timed out after ${action.timeoutInMs} ms`, { code: 'Timeout', retryable: true });
    controller.abort(error);
  }, action.timeoutInMs);
  timer.unref();
  const ctx: ActionContext = { instanceId, stepKey, dryRun, signal: controller.signal, log: (message) => log(redact(message)) };
  try {
    const output = await Promise.race([action.run(parsed.data, ctx), rejectOnAbort(controller.signal)]);
    const checkedOutput = action.output.safeParse(output);
    if (!checkedOutput.success) {
      const issues = zodIssues(checkedOutput.error).map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
      throw new SoarError(`${action.name} returned invalid output: ${issues}`, { code: 'InvalidOutput', retryable: false });
    }
    return checkedOutput.data;
  } catch (error) {
    throw asSoarError(action.name, error);
  } finally {
    clearTimeout(timer);
  }
}
