// Runbook: a secret was committed to a repository (GitHub secret scanning, or a Defender for DevOps finding
// for an Azure DevOps personal access token).
// 1. Revoke the leaked credential: GitHub's credential revocation for GitHub tokens; every PAT of the
//    committer for an Azure DevOps PAT.
// 2. GitHub: resolve the secret-scanning alert as revoked.
// 3. Lock the repository when the setting asks for it (default: public GitHub repositories): GitHub → make it
//    private and lock its default branch; Azure DevOps → disable the repository. An owner unlocks it.
// 4. Tell the repository owners (admins + CODEOWNERS, or the project administrators) and the committer.
// 5. Close the incident TruePositive / SuspiciousActivity when every step succeeded; otherwise it stays Active
//    with the failures in the run's comment.
import { azdo, definePlaybook, email, github, sentinel, z, type Attempt, type PlaybookContext, type Step } from '../src/sdk/index.js';

const GITHUB_RULE = '5ca1ab1e-0000-4000-8000-000000000002';
const AZDO_RULE = '5ca1ab1e-0000-4000-8000-000000000003';

const settings = z.object({
  /** 'public': lock public GitHub repositories only; 'always' / 'never' for every repository. */
  lockRepository: z.enum(['public', 'always', 'never']).default('public'),
});
type Ctx = PlaybookContext<z.output<typeof settings>>;

export const secretCommitted = definePlaybook({
  name: 'secret-committed',
  title: 'Secret committed',
  description:
    'Revokes a credential committed to a GitHub or Azure DevOps repository, resolves the secret-scanning alert, locks ' +
    'the repository when configured, tells its owners and the committer, and closes the incident when all of it worked.',
  version: '1.1.0',
  when: { analyticRuleIds: [GITHUB_RULE, AZDO_RULE] },
  settings,
  actions: [
    github.revokeCredentials,
    github.resolveSecretScanningAlert,
    github.getRepository,
    github.setRepositoryVisibility,
    github.lockBranch,
    github.getRepositoryOwners,
    azdo.revokeUserPats,
    azdo.disableRepository,
    azdo.getProjectAdministrators,
    email.sendEmail,
    sentinel.updateIncident,
  ],
  *run(ctx) {
    const platform = ctx.incident.customDetail('Platform')[0];
    const repository = ctx.incident.customDetail('Repository')[0];
    if (!repository) throw new Error('The incident does not name the repository (custom detail Repository)');
    const outcomes =
      platform === 'GitHub'
        ? yield* containOnGitHub(ctx, repository)
        : platform === 'AzureDevOps'
          ? yield* containOnAzureDevOps(ctx, repository)
          : failPlatform(platform);

    const failed = outcomes.filter((o) => !o.result.ok);
    if (failed.length > 0) {
      throw new Error(`${failed.length} step(s) failed: ${failed.map((o) => (o.result.ok ? '' : `${o.step}: ${o.result.error}`)).join('; ')}`);
    }
    ctx.step('Close the incident');
    yield* ctx.close('TruePositive', 'SuspiciousActivity', `Credential revoked and owners notified by playbook ${ctx.playbook.name}.`);
  },
});

interface Outcome {
  step: string;
  result: Attempt<unknown>;
}

function failPlatform(platform: string | undefined): never {
  throw new Error(`The incident's platform is '${platform ?? 'missing'}'; expected GitHub or AzureDevOps (custom detail Platform)`);
}

function* containOnGitHub(ctx: Ctx, repo: string): Step<Outcome[]> {
  const owner = ctx.incident.customDetail('Organization')[0];
  const alertNumber = Number(ctx.incident.customDetail('AlertNumber')[0]);
  if (!owner) throw new Error('The incident does not name the GitHub organisation (custom detail Organization)');
  if (!Number.isInteger(alertNumber) || alertNumber < 1) throw new Error('The incident does not name the secret-scanning alert (custom detail AlertNumber)');
  const outcomes: Outcome[] = [];
  const done: string[] = [];

  ctx.step('Revoke the leaked credential');
  const revoked = yield* ctx.attempt(ctx.run(github.revokeCredentials, { owner, repo, alertNumbers: [alertNumber] }));
  outcomes.push({ step: 'revoke the credential', result: revoked });
  if (revoked.ok) done.push('Revoked the leaked GitHub token');

  ctx.step('Resolve the secret-scanning alert');
  if (revoked.ok) {
    const resolved = yield* ctx.attempt(
      ctx.run(github.resolveSecretScanningAlert, { owner, repo, alertNumber, resolution: 'revoked', comment: `Revoked by SOAR run ${ctx.runId}` }),
    );
    outcomes.push({ step: 'resolve the alert', result: resolved });
    if (resolved.ok) done.push(`Resolved secret-scanning alert #${alertNumber} as revoked`);
  }

  if (ctx.settings.lockRepository !== 'never') {
    ctx.step('Lock the repository');
    // Decide from a recorded read, not from what the write reports: after a crash the write may run again and
    // find its own change, while the read replays as first recorded.
    const found = yield* ctx.attempt(ctx.read(github.getRepository, { owner, repo }));
    outcomes.push({ step: 'read the repository', result: found });
    if (found.ok && (found.value.visibility === 'public' || ctx.settings.lockRepository === 'always')) {
      const hidden = yield* ctx.attempt(ctx.run(github.setRepositoryVisibility, { owner, repo, visibility: 'private' }));
      outcomes.push({ step: 'make the repository private', result: hidden });
      const branch = ctx.incident.customDetail('Branch')[0] ?? found.value.defaultBranch;
      if (hidden.ok) {
        const locked = yield* ctx.attempt(ctx.run(github.lockBranch, { owner, repo, branch }));
        outcomes.push({ step: `lock branch ${branch}`, result: locked });
        if (locked.ok) done.push(`Made the repository private and locked branch ${branch} until an owner unlocks it`);
      }
    } else if (found.ok) {
      done.push(`Left the ${found.value.visibility} repository unlocked (setting lockRepository: public)`);
    }
  }

  ctx.step('Tell the repository owners and the committer');
  const message = {
    heading: `A secret was committed to ${owner}/${repo}`,
    paragraphs: [
      `GitHub secret scanning found a credential in ${owner}/${repo} (alert #${alertNumber}).`,
      'Remove it from the code and its history, and use a secret store instead. Unlock the repository once that is done.',
    ],
    facts: [
      ['Repository', `${owner}/${repo}`],
      ['Secret type', ctx.incident.customDetail('SecretType')[0] ?? 'unknown'],
    ] as [string, string][],
    actionsTaken: done,
  };
  outcomes.push({ step: 'e-mail the owners', result: yield* ctx.attempt(ctx.emailOwners({ kind: 'githubRepository', owner, repo }, message)) });
  outcomes.push(...(yield* emailCommitter(ctx, message)));
  return outcomes;
}

function* containOnAzureDevOps(ctx: Ctx, repository: string): Step<Outcome[]> {
  const project = ctx.incident.customDetail('Project')[0];
  const committer = committerUpn(ctx);
  if (!project) throw new Error('The incident does not name the Azure DevOps project (custom detail Project)');
  if (!committer) throw new Error('The incident does not name the committer (custom detail ActorUpn or an account entity)');
  const repositoryId = ctx.incident.customDetail('RepositoryId')[0] ?? repository;
  const outcomes: Outcome[] = [];
  const done: string[] = [];

  ctx.step('Revoke the committer’s personal access tokens');
  const revoked = yield* ctx.attempt(ctx.run(azdo.revokeUserPats, { user: committer }));
  outcomes.push({ step: 'revoke the PATs', result: revoked });
  if (revoked.ok) done.push(`Revoked the personal access tokens of ${committer}`);

  if (ctx.settings.lockRepository === 'always') {
    ctx.step('Lock the repository');
    const disabled = yield* ctx.attempt(ctx.run(azdo.disableRepository, { project, repository: repositoryId }));
    outcomes.push({ step: 'disable the repository', result: disabled });
    if (disabled.ok) done.push(`Disabled the repository ${repository} until an administrator enables it`);
  }

  ctx.step('Tell the project administrators and the committer');
  const message = {
    heading: `A personal access token was committed to ${repository}`,
    paragraphs: [
      `An Azure DevOps personal access token of ${committer} was found in the repository ${repository} (project ${project}).`,
      'Remove it from the code and its history, and use a secret store or a service connection instead.',
    ],
    facts: [
      ['Project', project],
      ['Repository', repository],
    ] as [string, string][],
    actionsTaken: done,
  };
  outcomes.push({ step: 'e-mail the project administrators', result: yield* ctx.attempt(ctx.emailOwners({ kind: 'azdoProject', project }, message)) });
  outcomes.push(...(yield* emailCommitter(ctx, message)));
  return outcomes;
}

function* emailCommitter(ctx: Ctx, message: Parameters<Ctx['email']>[1]): Step<Outcome[]> {
  const committer = committerUpn(ctx);
  if (!committer) return [];
  return [{ step: 'e-mail the committer', result: yield* ctx.attempt(ctx.email([committer], message)) }];
}

/** The committer's work address: the rule's ActorUpn, else an account entity with a UPN. */
function committerUpn(ctx: Ctx): string | undefined {
  return ctx.incident.customDetail('ActorUpn')[0] ?? ctx.incident.accounts().find((a) => a.upn)?.upn;
}
