// Approval links: GET /api/approvals/{token} (confirmation page) and POST (records the decision). Anonymous:
// the signed, expiring token in the link is the credential.
import * as df from 'durable-functions';
import { handleApprovalLink } from '../src/sdk/approvalsHttp.js';

df.app.client.http('approvalLink', {
  route: 'approvals/{token}',
  methods: ['GET', 'POST'],
  authLevel: 'anonymous',
  handler: (request, client, context) => handleApprovalLink(request, client, context),
});
