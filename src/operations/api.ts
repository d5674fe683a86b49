// The run operations API and the run timeline page as Functions HTTP routes. `registerOperations`
// registers them once with the app's catalogue and integrations, so a test app can register the same
// endpoints over a test catalogue. Registering loads no handler: handlers.ts (zod, the request schemas) and
// the options load on the first request.
import { createRequire } from 'node:module';
import * as df from 'durable-functions';
import type { OperationsHandlers } from './handlers.js';
import type { InstanceJson } from './durableApi.js';
import type { ManualRunDeps, RunnablePlaybook } from './manualRun.js';
import type { IncidentRef } from './runs.js';
import type { TitleLookup } from './timeline.js';

const require = createRequire(import.meta.url);
// Required, not imported: see catalogueApi.ts (an ESM import scans the whole CommonJS bundle at start-up).
const { app } = require('@azure/functions') as typeof import('@azure/functions');

/** What the operations endpoints need from the rest of the app. */
export interface OperationsOptions<I> {
  playbooks: readonly RunnablePlaybook[];
  titleOf: TitleLookup;
  /** Manual-run integration, given the durable client of the invocation. */
  manualRun(client: df.DurableClient): ManualRunDeps<I>;
  /** Posts an (already escaped) HTML comment on the run's incident. */
  commentOnIncident(incident: IncidentRef, html: string, instanceId: string): Promise<void>;
  /** The external event that answers the run's pending approval, or why there is none. */
  approvalEvent(run: InstanceJson, decision: 'approve' | 'reject', approver: string): { ok: true; name: string; data: unknown } | { ok: false; message: string };
}

/** `options`: the integrations, or a function that builds them (the app's, on the first request). */
export function registerOperations<I>(options: OperationsOptions<I> | (() => OperationsOptions<I>)): void {
  let handlers: OperationsHandlers | undefined;
  const client = df.input.durableClient();
  const route = (name: string, methods: ('GET' | 'POST')[], path: string, handler: keyof OperationsHandlers): void => {
    app.http(name, {
      route: path,
      methods,
      authLevel: 'function',
      extraInputs: [client],
      handler: (request, context) => {
        handlers ??= (require('./handlers.js') as typeof import('./handlers.js')).operationsHandlers(typeof options === 'function' ? options() : options);
        return handlers[handler](request, context);
      },
    });
  };
  route('runsStart', ['POST'], 'playbooks/{name}/runs', 'start');
  route('runsList', ['GET'], 'runs', 'list');
  route('runsGet', ['GET'], 'runs/{instanceId}', 'get');
  route('runsHistory', ['GET'], 'runs/{instanceId}/history', 'history');
  route('runsCancel', ['POST'], 'runs/{instanceId}/cancel', 'cancel');
  route('runsApproval', ['POST'], 'runs/{instanceId}/approval', 'approval');
  route('runsPage', ['GET'], 'ui', 'listPage');
  route('runsRunPage', ['GET'], 'ui/runs/{instanceId}', 'runPage');
}
