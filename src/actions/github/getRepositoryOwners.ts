import { z } from 'zod';
import { callGitHub, githubClient, isGitHubStatus, type GitHubClient } from '../../clients/github.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, READ_RETRY, githubAppPermission } from '../policies.js';
import { repositoryInput } from './repository.js';

const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];

const ownerSchema = z.object({
  /** null for an owner CODEOWNERS names only by e-mail */
  login: z.string().nullable(),
  /** public e-mail, or the address CODEOWNERS gives; null when not visible */
  email: z.string().nullable(),
  /** why this is an owner: 'admin', 'codeowners', 'team:<org>/<slug>' */
  sources: z.array(z.string()),
});

export interface CodeOwners {
  users: string[];
  teams: Array<{ org: string; slug: string }>;
  emails: string[];
}

/** The owners named anywhere in a CODEOWNERS file: @user, @org/team, or an e-mail address. */
export function parseCodeOwners(text: string): CodeOwners {
  const owners: CodeOwners = { users: [], teams: [], emails: [] };
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    for (const token of line.split(/\s+/).slice(1)) {
      const team = /^@([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(token);
      if (team) {
        if (!owners.teams.some((t) => t.org === team[1] && t.slug === team[2])) owners.teams.push({ org: team[1]!, slug: team[2]! });
      } else if (/^@[A-Za-z0-9-]+$/.test(token)) {
        if (!owners.users.includes(token.slice(1))) owners.users.push(token.slice(1));
      } else if (/^[^@\s]+@[^@\s]+$/.test(token)) {
        if (!owners.emails.includes(token)) owners.emails.push(token);
      }
    }
  }
  return owners;
}

async function readCodeOwners(octokit: GitHubClient, owner: string, repo: string, signal: AbortSignal): Promise<string | null> {
  for (const path of CODEOWNERS_PATHS) {
    try {
      const { data } = await callGitHub(() => octokit.rest.repos.getContent({ owner, repo, path, request: { signal } }));
      if (!Array.isArray(data) && data.type === 'file' && 'content' in data) return Buffer.from(data.content, 'base64').toString('utf8');
    } catch (error) {
      if (!isGitHubStatus(error, 404)) throw error;
    }
  }
  return null;
}

export const getRepositoryOwners = defineAction({
  name: 'github.getRepositoryOwners',
  title: 'Get repository owners',
  description:
    'Finds who owns a GitHub repository: its admins and the CODEOWNERS (teams expanded to their members), with ' +
    'public e-mail addresses where visible.',
  input: z.object(repositoryInput),
  output: z.object({ owners: z.array(ownerSchema), emails: z.array(z.string()) }),
  permissions: [
    githubAppPermission('administration:read'),
    githubAppPermission('contents:read'),
    githubAppPermission('members:read'),
  ],
  retry: READ_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: false,
  async run(input, ctx) {
    const octokit = githubClient();
    const request = { signal: ctx.signal };
    const owners = new Map<string, z.infer<typeof ownerSchema>>();
    const add = (login: string | null, email: string | null, source: string): void => {
      const key = login ? `@${login.toLowerCase()}` : email!.toLowerCase();
      const entry = owners.get(key) ?? { login, email, sources: [] };
      if (!entry.sources.includes(source)) entry.sources.push(source);
      owners.set(key, entry);
    };

    const admins = await callGitHub(() =>
      octokit.paginate(octokit.rest.repos.listCollaborators, { ...input, permission: 'admin', affiliation: 'all', per_page: 100, request }),
    );
    for (const admin of admins) add(admin.login, null, 'admin');

    const text = await readCodeOwners(octokit, input.owner, input.repo, ctx.signal);
    if (text !== null) {
      const codeOwners = parseCodeOwners(text);
      for (const user of codeOwners.users) add(user, null, 'codeowners');
      for (const email of codeOwners.emails) add(null, email, 'codeowners');
      for (const team of codeOwners.teams) {
        try {
          const members = await callGitHub(() =>
            octokit.paginate(octokit.rest.teams.listMembersInOrg, { org: team.org, team_slug: team.slug, per_page: 100, request }),
          );
          for (const member of members) add(member.login, null, `team:${team.org}/${team.slug}`);
        } catch (error) {
          // A team the app cannot see (another org, secret team): keep the other owners.
          if (!isGitHubStatus(error, 404)) throw error;
          ctx.log(`CODEOWNERS team @${team.org}/${team.slug} is not visible; skipped`);
        }
      }
    }

    await Promise.all(
      [...owners.values()].map(async (entry) => {
        if (entry.login === null || entry.email !== null) return;
        const { data } = await callGitHub(() => octokit.rest.users.getByUsername({ username: entry.login!, request }));
        entry.email = data.email ?? null;
      }),
    );
    const list = [...owners.values()];
    const emails = [...new Set(list.flatMap((o) => (o.email ? [o.email] : [])))];
    return { owners: list, emails };
  },
});
