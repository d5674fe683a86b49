// The SDK's own activities, declared with the action contract so they run through executeAction like
// every other action (validation, dry-run planning, timeout, redacted errors). Registered by
// registerPlaybooks, by the names in sdkActionNames, as 'sdk-readSettings' and 'sdk-requestApproval'.
import { z } from 'zod';
import { executeAction, type Action } from '../actions/action.js';
import { sendEmail } from '../actions/email/sendEmail.js';
import { html } from '../actions/html.js';
import { activityNameOf } from '../actions/names.js';
import { DEFAULT_TIMEOUT_MS, READ_RETRY, WRITE_RETRY } from '../actions/policies.js';
import { approvalSigningKey, signApprovalToken, type ApprovalDecision } from './approvalToken.js';

function sdkAction<I, O>(def: Omit<Action<I, O>, 'activityName'>): Action<I, O> {
  return Object.freeze({ ...def, activityName: activityNameOf(def.name) });
}

/** PUBLIC_BASE_URL: where approval links and run links point (the Function App's public URL). */
export function publicBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.PUBLIC_BASE_URL || 'http://localhost:7071').replace(/\/+$/, '');
}

export const readSettings = sdkAction({
  name: 'sdk.readSettings',
  title: 'Read playbook settings',
  description:
    "Reads a playbook's setting overrides (app settings with its PLAYBOOK_<NAME>_ prefix), the public base URL and the " +
    'SOC mailbox once per run, so replays see the same values.',
  input: z.object({ prefix: z.string().regex(/^PLAYBOOK_[A-Z0-9_]+_$/, 'must be PLAYBOOK_<NAME>_') }),
  output: z.object({
    overrides: z.record(z.string(), z.string()),
    publicBaseUrl: z.string(),
    socMailbox: z.string().nullable(),
  }),
  permissions: [],
  retry: READ_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: false,
  async run(input) {
    const overrides: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (name.startsWith(input.prefix) && value !== undefined) overrides[name.slice(input.prefix.length)] = value;
    }
    return { overrides, publicBaseUrl: publicBaseUrl(), socMailbox: process.env.SOC_MAILBOX || null };
  },
});

export const approvalIncident = z.object({
  number: z.number().int().optional(),
  title: z.string(),
  url: z.string().optional(),
});

/** An approver: an e-mail address. ctx.approval checks approvers with it before it publishes them in the custom status. */
export const approverAddress = z.email();
/** The limits of an approval request, which ctx.approval also checks before it publishes the request. */
export const maxApprovers = 20;
export const maxApproverLength = 254;
export const maxQuestionLength = 2000;

export const requestApproval = sdkAction({
  name: 'sdk.requestApproval',
  title: 'Request approval',
  description:
    'E-mails each approver personal approve and reject links, signed with APPROVAL_SIGNING_KEY, single use and expiring ' +
    'with the wait. The links (the credential) are never returned or logged.',
  input: z.object({
    approvalId: z.string().regex(/^approval-\d+$/),
    approvers: z.array(approverAddress).min(1).max(maxApprovers),
    question: z.string().min(1).max(maxQuestionLength),
    timeoutInMs: z.number().int().positive(),
    playbookTitle: z.string(),
    incident: approvalIncident,
  }),
  output: z.object({ approvers: z.array(z.string()), expiresAt: z.string() }),
  permissions: sendEmail.permissions,
  retry: WRITE_RETRY,
  timeoutInMs: 300_000,
  sideEffect: true,
  async run(input, ctx) {
    const key = approvalSigningKey();
    const base = publicBaseUrl();
    // The link expiry is wall-clock time on the server that will check it.
    const expiresAt = Date.now() + input.timeoutInMs;
    const link = (decision: ApprovalDecision, approver: string): string =>
      `${base}/api/approvals/${signApprovalToken({ instanceId: ctx.instanceId, approvalId: input.approvalId, decision, approver, expiresAt }, key)}`;
    const number = input.incident.number === undefined ? '' : ` ${input.incident.number}`;
    for (const [i, approver] of input.approvers.entries()) {
      const approve = link('approved', approver);
      const reject = link('rejected', approver);
      const body = html`<!DOCTYPE html>
<html><body style="font-family:Segoe UI,Arial,sans-serif">
<h2>Approval needed: ${input.playbookTitle}</h2>
<p>Incident${number}: ${input.incident.title}</p>
<p>${input.question}</p>
<p><a href="${approve}">Approve</a> &nbsp; <a href="${reject}">Reject</a></p>
<p>These links are for ${approver} only, work once and expire at ${new Date(expiresAt).toISOString()}.</p>
</body></html>`;
      const plainText = [
        `Approval needed: ${input.playbookTitle}`,
        `Incident${number}: ${input.incident.title}`,
        '',
        input.question,
        '',
        `Approve: ${approve}`,
        `Reject: ${reject}`,
        '',
        `These links are for ${approver} only, work once and expire at ${new Date(expiresAt).toISOString()}.`,
      ].join('\n');
      await executeAction(
        sendEmail,
        {
          input: { to: [{ address: approver }], subject: `[Approval needed] ${input.playbookTitle}: ${input.incident.title}`, html: body.value, plainText },
          instanceId: ctx.instanceId,
          stepKey: `${ctx.stepKey}.${i}`,
          dryRun: false,
        },
        ctx.log,
      );
    }
    return { approvers: [...input.approvers], expiresAt: new Date(expiresAt).toISOString() };
  },
});

/** The SDK's activities, for catalogues that list every action (titles in the run timeline). */
export const sdkActions = [readSettings, requestApproval] as const;
