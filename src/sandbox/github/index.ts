// The GitHub REST emulator, mounted at /github: GitHub's routes over the world's GitHub slice, with its
// authentication (PATs, installation tokens, the app's JWT), error bodies and rate-limit headers on every reply.

import type { Emulator, EmulatorDeps, Route, RouteContext, SandboxReply, SandboxRequest } from '../emulator.js';
import { appRoutes, verifyAppJwt } from './app.js';
import { chargeRateLimit, errorReply, GitHubHttpError, notFound, resolveCaller, type Caller, type GitHubRoute } from './http.js';
import { orgRoutes } from './orgs.js';
import { repoRoutes } from './repos.js';
import { secretRoutes } from './secretScanning.js';

export { githubAppSettings } from './testAppKey.js';

function serve(route: GitHubRoute, deps: EmulatorDeps): Route['handler'] {
  return (req: SandboxRequest, ctx: RouteContext): SandboxReply => {
    const world = deps.world().github;
    const nowMs = deps.now();
    const nowSeconds = Math.floor(nowMs / 1000);
    // The Date header follows the sandbox clock, so @octokit/auth-app can correct its JWT for clock skew.
    const headers: Record<string, string> = { date: new Date(nowMs).toUTCString() };
    let caller: Caller = { kind: 'anonymous' };
    try {
      if (route.auth === 'app-jwt') caller = verifyAppJwt(req, world, nowSeconds);
      else if (route.auth !== 'none') caller = resolveCaller(req, world, nowMs);
    } catch (error) {
      if (!(error instanceof GitHubHttpError)) throw error;
      Object.assign(headers, chargeRateLimit(world, caller, nowSeconds));
      return withHeaders(errorReply(error.status, error.message, error.extra), headers);
    }
    try {
      Object.assign(headers, chargeRateLimit(world, caller, nowSeconds));
      const reply = route.handler(req, { ...ctx, world, caller });
      return withHeaders(reply, headers);
    } catch (error) {
      if (!(error instanceof GitHubHttpError)) throw error;
      return withHeaders(errorReply(error.status, error.message, error.extra), { ...headers, ...error.headers });
    }
  };
}

function withHeaders(reply: SandboxReply, headers: Record<string, string>): SandboxReply {
  return { ...reply, headers: { ...headers, ...reply.headers } };
}

/** GitHub answers any other path or method with its 404 body (and rate-limit headers), never 405. */
const unknownRoutes: GitHubRoute[] = (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).map((method) => ({
  method,
  path: '/*rest',
  handler: () => {
    throw notFound();
  },
}));

export function createGitHubEmulator(deps: EmulatorDeps): Emulator {
  const routes = [...appRoutes, ...repoRoutes, ...orgRoutes, ...secretRoutes, ...unknownRoutes];
  return {
    name: 'github',
    mount: '/github',
    routes: routes.map((route) => ({ method: route.method, path: route.path, handler: serve(route, deps) })),
    errorReply: (status, _code, message) => errorReply(status, message),
  };
}
