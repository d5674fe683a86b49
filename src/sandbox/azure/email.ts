// Azure Communication Services Email (mounted at the server root): `POST /emails:send` authenticated by the connection
// string's HMAC-SHA256 signature or by a bearer token for the ACS audience, de-duplicated on `Operation-Id`,
// answered 202 + Operation-Location; `GET /emails/operations/{id}` says Running, then the final status on the
// next poll. Delivered messages land in world.email.outbox; recipients on fail.contoso.com make the operation
// end Failed. Wire shapes and the signing algorithm: research/remote-apis.md §1.

import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Emulator, EmulatorDeps, RouteContext, SandboxReply, SandboxRequest } from '../emulator.js';
import { AUDIENCES } from '../auth.js';
import type { EmailWorld } from '../world.js';
import { isoNow, parseBody } from './http.js';

/** Recipients on this domain make the send operation fail (so the client's Failed path is testable). */
const FAILING_RECIPIENT_DOMAIN = 'fail.contoso.com';
const MAX_CLOCK_SKEW_MS = 15 * 60_000;
const SIGNED_HEADERS = 'x-ms-date;host;x-ms-content-sha256';

function acsError(status: number, code: string, message: string): SandboxReply {
  return { status, headers: { 'x-ms-error-code': code }, json: { error: { code, message } } };
}

const address = z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'not a valid e-mail address');
const recipient = z.object({ address, displayName: z.string().optional() });

const sendSchema = z.object({
  headers: z.record(z.string(), z.string()).optional(),
  senderAddress: address,
  content: z
    .object({ subject: z.string().min(1), plainText: z.string().optional(), html: z.string().optional() })
    .refine((c) => c.plainText !== undefined || c.html !== undefined, { message: 'plainText or html is required' }),
  recipients: z
    .object({ to: z.array(recipient).default([]), cc: z.array(recipient).default([]), bcc: z.array(recipient).default([]) })
    .refine((r) => r.to.length + r.cc.length + r.bcc.length >= 1, { message: 'at least one recipient is required' })
    .refine((r) => r.to.length + r.cc.length + r.bcc.length <= 50, { message: 'at most 50 recipients are allowed' }),
  attachments: z.array(z.object({ name: z.string().min(1), contentType: z.string().min(1), contentInBase64: z.string() })).optional(),
  replyTo: z.array(recipient).optional(),
  userEngagementTrackingDisabled: z.boolean().optional(),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Recomputes the connection-string signature the way @azure/communication-common signs:
 * `VERB\n<path>?<normalised query>\n<x-ms-date>;<host>;<x-ms-content-sha256>`, HMAC-SHA256 with the decoded key.
 */
function verifyHmac(req: SandboxRequest, accessKey: Buffer, nowMs: number): string | undefined {
  const match = /^HMAC-SHA256 SignedHeaders=([^&]+)&Signature=(.+)$/.exec(String(req.headers.authorization));
  if (!match || match[1] !== SIGNED_HEADERS) return 'The Authorization header is not a valid HMAC-SHA256 signature.';
  const date = String(req.headers['x-ms-date'] ?? '');
  const contentHash = String(req.headers['x-ms-content-sha256'] ?? '');
  const dateMs = Date.parse(date);
  if (Number.isNaN(dateMs) || Math.abs(dateMs - nowMs) > MAX_CLOCK_SKEW_MS) return 'The x-ms-date header is missing or outside the allowed clock skew.';
  if (contentHash !== createHash('sha256').update(req.body).digest('base64')) return 'The x-ms-content-sha256 header does not match the body.';
  const query = req.url.searchParams.toString();
  const pathAndQuery = req.url.pathname + (query ? `?${query}` : '');
  const stringToSign = `${req.method}\n${pathAndQuery}\n${date};${req.headers.host ?? ''};${contentHash}`;
  const expected = createHmac('sha256', accessKey).update(stringToSign).digest();
  const given = Buffer.from(match[2] as string, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'The request signature does not match.';
  return undefined;
}

type Handler = (req: SandboxRequest, ctx: RouteContext, world: EmailWorld) => SandboxReply;

export function createEmailEmulator(deps: EmulatorDeps & { accessKey: Buffer }): Emulator {
  const denied = (message: string) => acsError(401, 'Denied', `Denied by the resource provider. ${message}`);
  const acs = (handler: Handler) => (req: SandboxRequest, ctx: RouteContext): SandboxReply => {
    if (/^Bearer /i.test(String(req.headers.authorization ?? ''))) {
      const auth = deps.verifyBearer(req, [AUDIENCES.acs], deps.now(), (status, _code, message) => acsError(status, 'Denied', message));
      if (!auth.ok) return auth.reply;
    } else {
      if (!req.headers.authorization) return denied('The Authorization header is missing.');
      const problem = verifyHmac(req, deps.accessKey, deps.now());
      if (problem) return denied(problem);
    }
    if (!req.query.get('api-version')) {
      return acsError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
    }
    return handler(req, ctx, deps.world().email);
  };

  const operationLocation = (ctx: RouteContext, req: SandboxRequest, id: string) =>
    `${ctx.baseUrl}/emails/operations/${id}?api-version=${encodeURIComponent(req.query.get('api-version') as string)}`;

  const accepted = (ctx: RouteContext, req: SandboxRequest, id: string): SandboxReply => ({
    status: 202,
    headers: { 'operation-location': operationLocation(ctx, req, id), 'retry-after': '0' },
    json: { id, status: 'Running' },
  });

  const send: Handler = (req, ctx, world) => {
    const operationId = req.headers['operation-id'];
    if (operationId !== undefined && (typeof operationId !== 'string' || !UUID.test(operationId))) {
      return acsError(400, 'BadRequest', "The 'Operation-Id' header must be a GUID.");
    }
    if (operationId && world.operations.some((o) => o.id === operationId)) return accepted(ctx, req, operationId);
    const body = parseBody(req, sendSchema, acsError);
    if (!body.ok) return body.reply;
    const message = body.value;
    const senderDomain = message.senderAddress.split('@')[1]?.toLowerCase();
    const linked = world.senderAddresses.filter((s) => s.split('@')[1]?.toLowerCase() === senderDomain);
    if (linked.length === 0) return acsError(404, 'DomainNotLinked', 'The specified sender domain has not been linked.');
    if (!linked.some((s) => s.toLowerCase() === message.senderAddress.toLowerCase())) {
      return acsError(400, 'InvalidSenderUserName', 'The sender username is not valid for the linked domain.');
    }
    const id = operationId ?? randomUUID();
    const all = [...message.recipients.to, ...message.recipients.cc, ...message.recipients.bcc];
    const failing = all.filter((r) => r.address.toLowerCase().endsWith('@' + FAILING_RECIPIENT_DOMAIN));
    if (failing.length > 0) {
      world.operations.push({
        id,
        status: 'Running',
        polls: 0,
        finalStatus: 'Failed',
        error: { code: 'EmailDroppedAllRecipientsSuppressed', message: `Message delivery failed for ${failing.map((r) => r.address).join(', ')}.` },
      });
    } else {
      world.operations.push({ id, status: 'Running', polls: 0, finalStatus: 'Succeeded' });
      world.outbox.push({
        operationId: id,
        senderAddress: message.senderAddress,
        to: message.recipients.to,
        cc: message.recipients.cc,
        bcc: message.recipients.bcc,
        subject: message.content.subject,
        html: message.content.html,
        plainText: message.content.plainText,
        time: isoNow(deps.now()),
      });
    }
    return accepted(ctx, req, id);
  };

  const getOperation: Handler = (_req, ctx, world) => {
    const operation = world.operations.find((o) => o.id === ctx.params.operationId);
    if (!operation) return acsError(404, 'NotFound', `Operation '${ctx.params.operationId}' was not found.`);
    operation.polls++;
    if (operation.polls > 1) operation.status = operation.finalStatus;
    const body: Record<string, unknown> = { id: operation.id, status: operation.status };
    if (operation.status === 'Failed') body.error = operation.error;
    return { status: 200, headers: { 'retry-after': '0' }, json: body };
  };

  return {
    name: 'acs',
    // The ACS SDK accepts only an endpoint without a path (communication-common assertValidEndpoint), so this
    // emulator lives at the server root; its paths (/emails...) collide with no other mount.
    mount: '/',
    errorReply: acsError,
    routes: [
      { method: 'POST', path: '/emails:send', handler: acs(send) },
      { method: 'GET', path: '/emails/operations/:operationId', handler: acs(getOperation) },
    ],
  };
}
