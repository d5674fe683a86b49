// The approval link endpoint: GET /api/approvals/{token} shows a confirmation page, POST records the
// decision by raising the approval's external event on the run. The route is anonymous because the signed
// token is the credential: forged or expired → 403, already answered (or the run moved on) → 409.
// Tokens never appear in responses or logs.
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { DurableClient } from 'durable-functions';
import { html, type SafeHtml } from '../actions/html.js';
import { ConfigError } from '../clients/errors.js';
import { approvalSigningKey, verifyApprovalToken, type ApprovalClaims } from './approvalToken.js';
import type { ApprovalEvent, PendingApproval, RunCustomStatus } from './context.js';

type ErrorCode = 'approval_link_invalid' | 'approval_link_expired' | 'run_not_found' | 'approval_already_decided' | 'approvals_not_configured';

interface Answer {
  status: number;
  title: string;
  /** JSON body for API clients. */
  json: Record<string, unknown>;
  /** HTML body for browsers. */
  page: SafeHtml;
}

/** Decisions being recorded on this host; a concurrent second click waits for the first and gets 409. */
const inFlight = new Map<string, Promise<Answer>>();

export async function handleApprovalLink(request: HttpRequest, client: DurableClient, context: InvocationContext): Promise<HttpResponseInit> {
  const answer = await answerApprovalLink(request.method, request.params.token ?? '', client, Date.now());
  if (answer.status >= 400) context.log(`Approval link refused: ${answer.status} ${String((answer.json.error as { code?: string } | undefined)?.code)}`);
  const wantsJson = (request.headers.get('accept') ?? '').includes('application/json');
  return wantsJson
    ? { status: answer.status, jsonBody: answer.json, headers: noStore }
    : { status: answer.status, body: pageHtml(answer.title, answer.page).value, headers: { ...noStore, 'content-type': 'text/html; charset=utf-8' } };
}

const noStore = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };

export async function answerApprovalLink(method: string, token: string, client: DurableClient, nowMs: number): Promise<Answer> {
  let key: string;
  try {
    key = approvalSigningKey();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return refuse(503, 'approvals_not_configured', 'Approvals are not configured on this app (APPROVAL_SIGNING_KEY).');
  }
  const check = verifyApprovalToken(token, key, nowMs);
  if (!check.ok) {
    return check.reason === 'expired'
      ? refuse(403, 'approval_link_expired', 'This approval link has expired.')
      : refuse(403, 'approval_link_invalid', 'This approval link is not valid.');
  }
  const claims = check.claims;
  if (method.toUpperCase() !== 'POST') {
    const pending = await pendingApproval(client, claims);
    return 'approval' in pending ? confirmation(claims, pending.approval) : pending.refused;
  }
  const lockKey = `${claims.instanceId}\u0000${claims.approvalId}`;
  const running = inFlight.get(lockKey);
  if (running) {
    await running;
    return alreadyDecided();
  }
  const recording = record(client, claims, nowMs);
  inFlight.set(lockKey, recording);
  try {
    return await recording;
  } finally {
    inFlight.delete(lockKey);
  }
}

async function record(client: DurableClient, claims: ApprovalClaims, nowMs: number): Promise<Answer> {
  const pending = await pendingApproval(client, claims);
  if (!('approval' in pending)) return pending.refused;
  const event: ApprovalEvent = { decision: claims.decision, by: claims.approver, at: new Date(nowMs).toISOString() };
  await client.raiseEvent(claims.instanceId, claims.approvalId, event);
  const taken = await untilTaken(client, claims);
  const verb = claims.decision === 'approved' ? 'Approved' : 'Rejected';
  const json = { instanceId: claims.instanceId, approvalId: claims.approvalId, ...event };
  if (!taken) {
    return { status: 202, title: verb, json, page: html`<h1>${verb}</h1><p>Your answer was sent; the run has not taken it yet.</p>` };
  }
  // Another host may have raised a different answer at the same moment: the run keeps the first one.
  if (taken.status !== claims.decision || taken.by !== claims.approver) return alreadyDecided();
  return {
    status: 200,
    title: verb,
    json,
    page: html`<h1>${verb}</h1><p>Your answer to “${pending.approval.question}” is recorded (${claims.approver}). You can close this page.</p>`,
  };
}

/**
 * Waits (briefly) until the run has taken an answer, so that a later click gets 409, and returns what the
 * run recorded; undefined when it has not taken one in time.
 */
async function untilTaken(client: DurableClient, claims: ApprovalClaims): Promise<PendingApproval | undefined> {
  for (let waited = 0; waited < recordWaitInMs; waited += recordPollInMs) {
    const status = await client.getStatus(claims.instanceId);
    const approval = (status.customStatus as Partial<RunCustomStatus> | null | undefined)?.approval;
    if (approval?.id === claims.approvalId && approval.status !== 'pending') return approval;
    await new Promise((resolve) => setTimeout(resolve, recordPollInMs));
  }
  return undefined;
}

const recordWaitInMs = 10_000;
const recordPollInMs = 50;

type Pending = { approval: PendingApproval } | { refused: Answer };

/**
 * The run's pending approval from its custom status. Between raising the event and the run recording the
 * answer there is a short window; concurrent clicks on this host are serialised by `inFlight`.
 */
async function pendingApproval(client: DurableClient, claims: ApprovalClaims): Promise<Pending> {
  let status: Awaited<ReturnType<DurableClient['getStatus']>>;
  try {
    status = await client.getStatus(claims.instanceId);
  } catch (error) {
    // durable-functions reports a missing instance only through its error message.
    if (/404/.test((error as Error).message)) return { refused: refuse(404, 'run_not_found', 'The run this link belongs to does not exist.') };
    throw error;
  }
  const approval = (status.customStatus as Partial<RunCustomStatus> | null | undefined)?.approval;
  const running = status.runtimeStatus === 'Running' || status.runtimeStatus === 'Pending';
  if (!running || !approval || approval.id !== claims.approvalId || approval.status !== 'pending') return { refused: alreadyDecided() };
  return { approval };
}

function confirmation(claims: ApprovalClaims, approval: PendingApproval): Answer {
  const verb = claims.decision === 'approved' ? 'Approve' : 'Reject';
  return {
    status: 200,
    title: `${verb}?`,
    json: { instanceId: claims.instanceId, approvalId: claims.approvalId, decision: claims.decision, approver: claims.approver, question: approval.question, deadline: approval.deadline },
    page: html`<h1>${verb}?</h1><p>${approval.question}</p><p>You answer as ${claims.approver}. The request expires at ${approval.deadline}.</p>
<form method="post"><button type="submit">${verb}</button></form>`,
  };
}

function alreadyDecided(): Answer {
  return refuse(409, 'approval_already_decided', 'This approval has already been answered, or the run is no longer waiting for it.');
}

function refuse(status: number, code: ErrorCode, message: string): Answer {
  return { status, title: 'Approval link refused', json: { error: { code, message } }, page: html`<h1>Approval link refused</h1><p>${message}</p>` };
}

function pageHtml(title: string, body: SafeHtml): SafeHtml {
  return html`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family:Segoe UI,Arial,sans-serif">${body}</body></html>`;
}
