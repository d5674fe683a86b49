// People routes: users (with their public e-mail), organisation members and owners, teams and team members.

import type { SandboxReply, SandboxRequest } from '../emulator.js';
import { invalidRequest, notFound, orgFor, paged, type GitHubContext, type GitHubRoute } from './http.js';
import { fullUser, simpleUser } from './wire.js';

function getUser(_req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const user = ctx.world.users.find((u) => u.login.toLowerCase() === ctx.params['username']!.toLowerCase());
  if (user === undefined) throw notFound();
  return { status: 200, json: fullUser(ctx.world, ctx.baseUrl, user) };
}

function oneOf(req: SandboxRequest, name: string, allowed: string[], fallback: string): string {
  const value = req.query.get(name) ?? fallback;
  if (!allowed.includes(value)) {
    throw invalidRequest([`For '${name}', ${JSON.stringify(value)} is not a member of [${allowed.map((v) => `"${v}"`).join(', ')}].`]);
  }
  return value;
}

/** GET /orgs/{org}/members?role=all|admin|member: `admin` lists the organisation's owners. */
function listMembers(req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const org = orgFor(ctx, ctx.params['org']!);
  const role = oneOf(req, 'role', ['all', 'admin', 'member'], 'all');
  const logins = org.members.filter((login) => role === 'all' || (role === 'admin') === org.owners.includes(login));
  return paged(req, ctx, logins.map((login) => simpleUser(ctx.world, ctx.baseUrl, login)));
}

function teamJson(ctx: GitHubContext, org: string, team: GitHubContext['world']['orgs'][number]['teams'][number]): Record<string, unknown> {
  const url = `${ctx.baseUrl}/orgs/${org}/teams/${team.slug}`;
  return {
    id: team.id,
    node_id: Buffer.from(`Team:${team.id}`).toString('base64'),
    url,
    html_url: `https://github.com/orgs/${org}/teams/${team.slug}`,
    name: team.name,
    slug: team.slug,
    description: team.description,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${url}/members{/member}`,
    repositories_url: `${url}/repos`,
    parent: null,
  };
}

function listTeams(req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const org = orgFor(ctx, ctx.params['org']!);
  return paged(req, ctx, org.teams.map((t) => teamJson(ctx, org.login, t)));
}

function teamOf(ctx: GitHubContext): { org: string; team: GitHubContext['world']['orgs'][number]['teams'][number] } {
  const org = orgFor(ctx, ctx.params['org']!);
  const team = org.teams.find((t) => t.slug === ctx.params['team_slug']);
  if (team === undefined) throw notFound();
  return { org: org.login, team };
}

function getTeam(_req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const { org, team } = teamOf(ctx);
  return { status: 200, json: { ...teamJson(ctx, org, team), members_count: team.members.length } };
}

/** GET /orgs/{org}/teams/{team_slug}/members?role=all|member|maintainer */
function listTeamMembers(req: SandboxRequest, ctx: GitHubContext): SandboxReply {
  const { team } = teamOf(ctx);
  const role = oneOf(req, 'role', ['all', 'member', 'maintainer'], 'all');
  const members = team.members.filter((m) => role === 'all' || m.role === role);
  return paged(req, ctx, members.map((m) => simpleUser(ctx.world, ctx.baseUrl, m.login)));
}

export const orgRoutes: GitHubRoute[] = [
  { method: 'GET', path: '/users/:username', handler: getUser },
  { method: 'GET', path: '/orgs/:org/members', handler: listMembers },
  { method: 'GET', path: '/orgs/:org/teams', handler: listTeams },
  { method: 'GET', path: '/orgs/:org/teams/:team_slug', handler: getTeam },
  { method: 'GET', path: '/orgs/:org/teams/:team_slug/members', handler: listTeamMembers },
];
