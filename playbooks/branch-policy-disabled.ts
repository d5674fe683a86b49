// Runbook: a branch policy (Azure DevOps) or branch protection (GitHub) was disabled or removed.
// 1. Put the protection back:
//    - Azure DevOps: re-enable the policy configuration the rule names (its settings are kept as they were);
//    - GitHub: restore a baseline protection (required approving reviews, stale approvals dismissed, enforced for
//      administrators, no force pushes or deletion), keeping whatever protection is left; the removed protection's
//      other settings (status checks, push restrictions) cannot be read back, so add a task for an owner to review it.
// 2. When the setting asks for it, lock the branch until an owner has reviewed what happened.
// 3. Tell the owners (GitHub: repository admins + CODEOWNERS; Azure DevOps: project administrators).
// 4. Leave the incident Active and labelled for an analyst. A missing custom detail is commented (what could
//    not be done and why), not a crash.
import { azdo, definePlaybook, email, github, html, sentinel, z, type PlaybookContext, type Step } from '../src/sdk/index.js';

/** Our analytic rules (deploy/rules): Azure DevOps policy disabled, GitHub branch protection removed. */
const AZDO_RULE = '5ca1ab1e-0000-4000-8000-000000000004';
const GITHUB_RULE = '5ca1ab1e-0000-4000-8000-000000000005';

/** What this playbook reads from an incident, per platform (the analytic rules must supply it). */
export const reads = {
  AzureDevOps: { customDetails: ['Platform', 'Project', 'Repository', 'RepositoryId', 'Branch', 'PolicyId', 'ActorUpn'], entityKinds: ['Account'] },
  GitHub: { customDetails: ['Platform', 'Organization', 'Repository', 'Branch', 'ActorUpn'], entityKinds: ['Account'] },
} as const;
type Detail = (typeof reads)[keyof typeof reads]['customDetails'][number];

const settings = z.object({
  /** Lock the branch (no pushes) until an owner reviews the change and unlocks it. */
  lockBranch: z.boolean().default(false),
  /** Approving reviews the restored GitHub protection requires (a higher count the branch still has is kept). */
  requiredApprovingReviewCount: z.number().int().min(1).max(6).default(1),
  /** Label added to every incident this playbook handled. */
  label: z.string().min(1).default('soar:branch-policy-disabled'),
});
type Ctx = PlaybookContext<z.output<typeof settings>>;

interface Outcome {
  /** What was done, for the owners' e-mail. */
  done: string[];
  /** What could not be done and why, for the incident comment. */
  notDone: string[];
}

export const branchPolicyDisabled = definePlaybook({
  name: 'branch-policy-disabled',
  title: 'Branch policy disabled',
  description:
    'Re-enables a disabled Azure DevOps branch policy or re-protects a GitHub branch whose protection was removed, locks ' +
    'the branch until review when configured, and tells the repository owners.',
  version: '2.1.0',
  when: { analyticRuleIds: [AZDO_RULE, GITHUB_RULE] },
  settings,
  actions: [
    azdo.enablePolicy,
    azdo.lockBranch,
    azdo.getProjectAdministrators,
    github.getBranchProtection,
    github.protectBranch,
    github.lockBranch,
    github.getRepositoryOwners,
    email.sendEmail,
    sentinel.addTask,
    sentinel.addComment,
    sentinel.updateIncident,
  ],
  *run(ctx) {
    const platform = detail(ctx, 'Platform');
    const outcome: Outcome =
      platform === 'AzureDevOps'
        ? yield* protectOnAzureDevOps(ctx)
        : platform === 'GitHub'
          ? yield* protectOnGitHub(ctx)
          : { done: [], notDone: [`Nothing: the incident's platform is '${platform ?? 'missing'}', expected AzureDevOps or GitHub (custom detail Platform).`] };

    ctx.step('Hand over to an analyst');
    if (outcome.notDone.length > 0) {
      yield* ctx.comment(html`<p>Playbook ${ctx.playbook.title} could not do everything:</p><ul>${outcome.notDone.map((n) => html`<li>${n}</li>`)}</ul>`);
    }
    yield* ctx.addLabels(ctx.settings.label);
    yield* ctx.setStatus('Active');
  },
});

function* protectOnAzureDevOps(ctx: Ctx): Step<Outcome> {
  const outcome: Outcome = { done: [], notDone: [] };
  const project = detail(ctx, 'Project');
  const repository = detail(ctx, 'Repository');
  const branch = detail(ctx, 'Branch');
  const policyId = Number(detail(ctx, 'PolicyId'));
  if (!project) return { done: [], notDone: ['Nothing: the incident does not name the Azure DevOps project (custom detail Project).'] };

  ctx.step('Re-enable the branch policy');
  if (Number.isInteger(policyId) && policyId > 0) {
    yield* ctx.run(azdo.enablePolicy, { project, policyId });
    outcome.done.push(`Re-enabled policy configuration ${policyId} with its previous settings`);
  } else {
    outcome.notDone.push('Re-enable the policy: the incident does not name the policy configuration (custom detail PolicyId).');
  }

  if (ctx.settings.lockBranch) {
    ctx.step('Lock the branch until review');
    const repositoryRef = detail(ctx, 'RepositoryId') ?? repository;
    if (repositoryRef && branch) {
      yield* ctx.run(azdo.lockBranch, { project, repository: repositoryRef, branch });
      outcome.done.push(`Locked ${branch} of ${repository ?? repositoryRef} until an owner unlocks it`);
    } else {
      outcome.notDone.push('Lock the branch: the incident does not name the repository and branch (custom details Repository, Branch).');
    }
  }

  ctx.step('Tell the project administrators');
  const where = `${branch ?? 'a branch'} of ${repository ?? 'a repository'} in project ${project}`;
  yield* ctx.emailOwners(
    { kind: 'azdoProject', project },
    {
      heading: `A branch policy on ${repository ?? project} was disabled`,
      paragraphs: [
        `${actor(ctx) ?? 'Someone'} disabled a branch policy on ${where}.`,
        'Check whether the change was intended and what was pushed while the policy was off.',
      ],
      facts: facts(ctx, [
        ['Project', project],
        ['Repository', repository],
        ['Branch', branch],
        ['Policy', Number.isInteger(policyId) && policyId > 0 ? String(policyId) : undefined],
      ]),
      actionsTaken: outcome.done,
    },
  );
  return outcome;
}

function* protectOnGitHub(ctx: Ctx): Step<Outcome> {
  const outcome: Outcome = { done: [], notDone: [] };
  const owner = detail(ctx, 'Organization');
  const repo = detail(ctx, 'Repository');
  const branch = detail(ctx, 'Branch');
  if (!owner || !repo) return { done: [], notDone: ['Nothing: the incident does not name the GitHub repository (custom details Organization, Repository).'] };
  const fullName = `${owner}/${repo}`;
  if (!branch) {
    outcome.notDone.push('Re-protect the branch: the incident does not name it (custom detail Branch).');
  } else {
    ctx.step('Re-protect the branch');
    const requested = ctx.settings.requiredApprovingReviewCount;
    // Decide from a recorded read, not from what the write reports: after a crash the write may run again and find
    // its own change, while the read replays as first recorded.
    const before = yield* ctx.read(github.getBranchProtection, { owner, repo, branch, requiredApprovingReviewCount: requested });
    yield* ctx.run(github.protectBranch, { owner, repo, branch, requiredApprovingReviewCount: requested });
    const changed = !before.meetsBaseline;
    const baseline =
      `${before.requiredApprovingReviewCount} approving review(s) on pull requests, ` +
      'stale approvals dismissed, enforced for administrators, no force pushes or deletion';
    outcome.done.push(changed ? `Restored the protection of ${branch}: ${baseline}` : `The protection of ${branch} already required ${baseline}`);

    if (ctx.settings.lockBranch) {
      ctx.step('Lock the branch until review');
      yield* ctx.run(github.lockBranch, { owner, repo, branch });
      outcome.done.push(`Locked ${branch} until an owner unlocks it`);
    }

    if (changed) {
      ctx.step('Add a task to review the restored protection');
      yield* ctx.addTask(
        `Review the restored branch protection of ${branch} in ${fullName}`,
        `The playbook restored a baseline protection (${baseline}). Settings of the removed protection that cannot be ` +
          'read back, such as required status checks and push restrictions, are not restored: add them again in the repository settings.',
      );
    }
  }

  ctx.step('Tell the repository owners');
  yield* ctx.emailOwners(
    { kind: 'githubRepository', owner, repo },
    {
      heading: `The branch protection of ${fullName} was removed`,
      paragraphs: [
        `${actor(ctx) ?? 'Someone'} removed the protection of ${branch ?? 'a branch'} in ${fullName}.`,
        branch
          ? 'A baseline protection is back (see the actions taken); re-add any required status checks it had, and check what was pushed in the meantime.'
          : 'Re-create it in the repository settings, and check what was pushed in the meantime.',
      ],
      facts: facts(ctx, [
        ['Repository', fullName],
        ['Branch', branch],
      ]),
      actionsTaken: outcome.done,
    },
  );
  return outcome;
}

function detail(ctx: Ctx, name: Detail): string | undefined {
  return ctx.incident.customDetail(name)[0];
}

/** Who did it: the rule's ActorUpn, else the first account entity. */
function actor(ctx: Ctx): string | undefined {
  const account = ctx.incident.accounts()[0];
  return detail(ctx, 'ActorUpn') ?? account?.upn ?? account?.accountName;
}

/** E-mail facts, with the actor, leaving out what the incident does not say. */
function facts(ctx: Ctx, rows: ReadonlyArray<readonly [string, string | undefined]>): [string, string][] {
  return [...rows, ['Changed by', actor(ctx)] as const].flatMap(([k, v]) => (v === undefined ? [] : [[k, v] as [string, string]]));
}
