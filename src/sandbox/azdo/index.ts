// The Azure DevOps emulators, one per host, mounted by path: dev.azure.com → /azdo/dev, vssps.dev.azure.com →
// /azdo/vssps, extmgmt.dev.azure.com → /azdo/extmgmt, auditservice.dev.azure.com → /azdo/audit.

import type { Emulator, EmulatorDeps } from '../emulator.js';
import { auditRoutes } from './audit.js';
import { coreRoutes } from './core.js';
import { extmgmtRoutes } from './extmgmt.js';
import { gitRoutes } from './git.js';
import { errorReply, serve, throttled, type AzdoRoute } from './http.js';
import { policyRoutes } from './policy.js';
import { vsspsRoutes } from './vssps.js';

/** Every host is service 'azdo' in calls and fault rules; the mount in the path tells them apart. */
function emulator(mount: string, routes: AzdoRoute[], deps: EmulatorDeps): Emulator {
  return {
    name: 'azdo',
    mount,
    routes: routes.map((route) => ({ method: route.method, path: route.path, handler: serve(route, deps) })),
    // Unknown routes and injected faults answer in Azure DevOps' shape; a 429 is the TF400733 throttling reply.
    errorReply: (status, code, message) => {
      if (status !== 429) return errorReply(status, code, message);
      const error = throttled(1, deps.world().azdo.rateLimit.limit, Math.floor(deps.now() / 1000) + 1);
      return { ...errorReply(429, error.typeKey, error.message, error.namespace), headers: error.headers };
    },
  };
}

export function createAzdoEmulators(deps: EmulatorDeps): Emulator[] {
  return [
    emulator('/azdo/dev', [...coreRoutes, ...gitRoutes, ...policyRoutes], deps),
    emulator('/azdo/vssps', vsspsRoutes, deps),
    emulator('/azdo/extmgmt', extmgmtRoutes, deps),
    emulator('/azdo/audit', auditRoutes, deps),
  ];
}
