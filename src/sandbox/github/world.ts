// The GitHub slice of the sandbox world: what the GitHub emulator reads and changes. Field names are camelCase;
// the emulator maps them to GitHub's snake_case wire shapes. Seeded from worlds/default/github.json.

import { z } from 'zod';

const login = z.string().min(1);

const RepoPermissionSchema = z.enum(['read', 'triage', 'write', 'maintain', 'admin']);
export type RepoPermission = z.infer<typeof RepoPermissionSchema>;

/** Branch protection as GitHub stores it; null members mean "not configured". */
const BranchProtectionSchema = z.object({
  requiredStatusChecks: z.object({ strict: z.boolean(), contexts: z.array(z.string()) }).nullable(),
  enforceAdmins: z.boolean(),
  requiredPullRequestReviews: z
    .object({
      dismissStaleReviews: z.boolean(),
      requireCodeOwnerReviews: z.boolean(),
      requiredApprovingReviewCount: z.number().int().min(0).max(6),
      requireLastPushApproval: z.boolean(),
    })
    .nullable(),
  restrictions: z.object({ users: z.array(login), teams: z.array(z.string()), apps: z.array(z.string()) }).nullable(),
  requiredLinearHistory: z.boolean(),
  allowForcePushes: z.boolean(),
  allowDeletions: z.boolean(),
  blockCreations: z.boolean(),
  requiredConversationResolution: z.boolean(),
  lockBranch: z.boolean(),
  allowForkSyncing: z.boolean(),
});
export type BranchProtection = z.infer<typeof BranchProtectionSchema>;

const RulesetSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  target: z.enum(['branch', 'tag', 'push']),
  enforcement: z.enum(['active', 'evaluate', 'disabled']),
  bypassActors: z.array(
    z.object({
      actorId: z.number().int().nullable(),
      actorType: z.enum(['Integration', 'OrganizationAdmin', 'RepositoryRole', 'Team', 'DeployKey']),
      bypassMode: z.enum(['always', 'pull_request']),
    }),
  ),
  conditions: z.object({ refName: z.object({ include: z.array(z.string()), exclude: z.array(z.string()) }) }).nullable(),
  rules: z.array(z.object({ type: z.string(), parameters: z.record(z.string(), z.unknown()).optional() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Ruleset = z.infer<typeof RulesetSchema>;

const SecretScanningAlertSchema = z.object({
  number: z.number().int().positive(),
  state: z.enum(['open', 'resolved']),
  secretType: z.string(),
  secretTypeDisplayName: z.string(),
  /** The leaked secret itself, as GitHub returns it to authorised readers. */
  secret: z.string(),
  validity: z.enum(['active', 'inactive', 'unknown']),
  resolution: z.enum(['false_positive', 'wont_fix', 'revoked', 'used_in_tests']).nullable(),
  resolutionComment: z.string().nullable(),
  resolvedBy: login.nullable(),
  resolvedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Where it was committed: file path and the committer's login. */
  location: z.object({ path: z.string(), commitSha: z.string(), committer: login }),
});
export type SecretScanningAlert = z.infer<typeof SecretScanningAlertSchema>;

const RepoSchema = z.object({
  id: z.number().int(),
  owner: login,
  name: z.string().min(1),
  description: z.string().nullable(),
  visibility: z.enum(['public', 'private', 'internal']),
  archived: z.boolean(),
  defaultBranch: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  pushedAt: z.string(),
  branches: z.array(z.object({ name: z.string(), sha: z.string(), protection: BranchProtectionSchema.nullable() })),
  rulesets: z.array(RulesetSchema),
  /** Outside collaborators are not members of the owning org; `affiliation=outside` lists only them. */
  collaborators: z.array(z.object({ login, permission: RepoPermissionSchema, affiliation: z.enum(['direct', 'outside']) })),
  /** Files on the default branch, path → UTF-8 content. */
  files: z.record(z.string(), z.string()),
  secretScanningAlerts: z.array(SecretScanningAlertSchema),
});
export type GitHubRepo = z.infer<typeof RepoSchema>;

export const GitHubWorldSchema = z.object({
  /** The GitHub App the runtime authenticates as; its PUBLIC key verifies app JWTs (RS256). */
  app: z.object({
    id: z.number().int(),
    clientId: z.string(),
    slug: z.string(),
    publicKeyPem: z.string().includes('PUBLIC KEY'),
    installations: z.array(
      z.object({
        id: z.number().int(),
        account: login,
        repositorySelection: z.enum(['all', 'selected']),
        /** Repository names (in `account`) when repositorySelection is 'selected'. */
        repositories: z.array(z.string()),
        permissions: z.record(z.string(), z.enum(['read', 'write', 'admin'])),
      }),
    ),
  }),
  /** Tokens the emulator accepts: static personal access tokens and installation tokens it issued. */
  tokens: z.array(
    z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('pat'), token: z.string(), login }),
      z.object({
        kind: z.literal('installation'),
        token: z.string(),
        installationId: z.number().int(),
        expiresAt: z.string(),
        /** What the token may do: the installation's permissions, or the subset requested when it was created. */
        permissions: z.record(z.string(), z.enum(['read', 'write', 'admin'])),
        /** Repository names it is limited to, or null for all the installation's repositories. */
        repositories: z.array(z.string()).nullable(),
      }),
    ]),
  ),
  /** Every credential received by POST /credentials/revoke, in order. */
  revokedCredentials: z.array(z.object({ credential: z.string(), revokedAt: z.string() })),
  users: z.array(
    z.object({ login, id: z.number().int(), name: z.string().nullable(), email: z.string().nullable(), createdAt: z.string() }),
  ),
  orgs: z.array(
    z.object({
      login,
      id: z.number().int(),
      owners: z.array(login),
      members: z.array(login),
      teams: z.array(
        z.object({
          id: z.number().int(),
          slug: z.string(),
          name: z.string(),
          description: z.string().nullable(),
          members: z.array(z.object({ login, role: z.enum(['member', 'maintainer']) })),
        }),
      ),
    }),
  ),
  repos: z.array(RepoSchema),
  /** Primary rate limit per caller (a login, an installation, or 'anonymous'), reset hourly. */
  rateLimits: z.array(z.object({ caller: z.string(), limit: z.number().int(), used: z.number().int(), resetAt: z.number().int() })),
});
export type GitHubWorld = z.infer<typeof GitHubWorldSchema>;
