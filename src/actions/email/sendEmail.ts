import { z } from 'zod';
import { callAzureSdk } from '../../clients/azureSdk.js';
import { emailClient, emailSenderAddress } from '../../clients/email.js';
import { RemoteApiError, SoarError } from '../../clients/errors.js';
import { defineAction } from '../action.js';
import { deterministicUuid } from '../ids.js';
import { WRITE_RETRY, azureRole } from '../policies.js';
import { singleLine } from './templates.js';

const recipient = z.object({ address: z.email(), displayName: z.string().max(256).optional() });

export const sendEmail = defineAction({
  name: 'email.sendEmail',
  title: 'Send e-mail',
  description:
    'Sends an e-mail through Azure Communication Services and waits until it is delivered to the service ' +
    '(Succeeded). The operation id derives from the run and step, so a replayed activity never sends twice.',
  input: z
    .object({
      to: z.array(recipient).min(1).max(50),
      cc: z.array(recipient).max(50).optional(),
      // A CR/LF in a subject would let incident text inject headers: flatten it.
      subject: z.string().min(1).max(998).transform(singleLine),
      html: z.string().min(1).max(5_000_000),
      plainText: z.string().min(1).max(5_000_000),
    }),
  output: z.object({ operationId: z.string(), status: z.literal('Succeeded') }),
  permissions: [azureRole('ACS', 'Communication and Email Service Owner')],
  retry: WRITE_RETRY,
  timeoutInMs: 120_000,
  sideEffect: true,
  async run(input, ctx) {
    const operationId = deterministicUuid(ctx.instanceId, ctx.stepKey, 'email.sendEmail');
    const client = emailClient();
    const senderAddress = emailSenderAddress();
    const result = await callAzureSdk('ACS', async () => {
      const poller = await client.beginSend(
        {
          senderAddress,
          content: { subject: input.subject, html: input.html, plainText: input.plainText },
          recipients: { to: input.to, cc: input.cc ?? [] },
        },
        { operationId, abortSignal: ctx.signal },
      );
      try {
        return await poller.pollUntilDone({ abortSignal: ctx.signal });
      } catch (error) {
        // core-lro marks the poller failed also when a poll request itself fails (throttled, reset) although ACS
        // accepted the e-mail; only its "The long-running operation has failed[. <code>. <message>]" means the
        // operation said Failed. Anything else is rethrown as the request error it is, so it stays retryable, and a
        // retry sends with the same Operation-Id, which ACS de-duplicates.
        const text = error instanceof Error ? error.message : String(error);
        const detail = /^The long-running operation has failed(?:\. ([^.\s]+)\. ([\s\S]*))?$/.exec(text);
        if (!detail) throw error;
        throw new RemoteApiError({
          api: 'ACS',
          status: 200,
          remoteCode: detail[1],
          remoteMessage: `e-mail operation ${operationId} failed: ${detail[2] ?? text}`,
          retryable: false,
        });
      }
    });
    if (result.status !== 'Succeeded') {
      throw new SoarError(`ACS e-mail operation ${operationId} ended ${result.status}`, { code: 'EmailNotSent', retryable: false });
    }
    return { operationId, status: 'Succeeded' as const };
  },
});
