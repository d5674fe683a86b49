// Approval links: GET /api/approvals/{token} (confirmation page) and POST (records the decision). Anonymous:
// the signed, expiring token in the link is the credential. The handler loads on the first request.
import { createRequire } from 'node:module';
import * as df from 'durable-functions';

const require = createRequire(import.meta.url);

df.app.client.http('approvalLink', {
  route: 'approvals/{token}',
  methods: ['GET', 'POST'],
  authLevel: 'anonymous',
  handler: (request, client, context) =>
    (require('../src/sdk/approvalsHttp.js') as typeof import('../src/sdk/approvalsHttp.js')).handleApprovalLink(request, client, context),
});
