// Runbook: a source repository was deleted.
// - Azure DevOps: restore it from the project recycle bin, then tell the project administrators and the
//   manager of whoever deleted it.
// - GitHub: there is no restore API. Tell the people who can restore it (organisation owners, in the web UI,
//   within 90 days) how, and put a task on the incident so nobody forgets.
// The incident stays Active, labelled, for an analyst to confirm whether the deletion was legitimate.
import { azdo, definePlaybook, email, entra, github, html, sentinel, z, type PlaybookContext, type Step } from '../src/sdk/index.js';

/** Our analytic rules (deploy/rules) over the Azure DevOps and GitHub audit logs. */
const AZDO_RULE = '5ca1ab1e-0000-4000-8000-000000000001';
const GITHUB_RULE = '5ca1ab1e-0000-4000-8000-000000000009';
/** The shipped "GitHub - Repository was destroyed" rule: it maps no repository, which the run then comments. */
const SHIPPED_GITHUB_RULE = '0b85a077-8ba5-4cb5-90f7-1e882afe10c3';

const settings = z.object({
  /** Days GitHub keeps a deleted repository restorable. */
  restoreWithinDays: z.number().int().positive().default(90),
  /** Label added to every incident this playbook handled. */
  label: z.string().min(1).default('soar:repository-deleted'),
});
type Ctx = PlaybookContext<z.output<typeof settings>>;

export const repositoryDeleted = definePlaybook({
  name: 'repository-deleted',
  title: 'Repository deleted',
  description:
    'Restores a deleted Azure DevOps repository from the recycle bin and tells its project administrators and the ' +
    "deleter's manager; for GitHub, tells the organisation owners how to restore it and adds a task to do so in time.",
  version: '1.1.0',
  when: { analyticRuleIds: [AZDO_RULE, GITHUB_RULE, SHIPPED_GITHUB_RULE] },
  settings,
  actions: [
    azdo.restoreRepository,
    azdo.getProjectAdministrators,
    entra.getManager,
    github.getOrganizationOwners,
    email.sendEmail,
    sentinel.addComment,
    sentinel.addTask,
    sentinel.updateIncident,
  ],
  *run(ctx) {
    const platform = ctx.incident.customDetail('Platform')[0];
    const repository = ctx.incident.customDetail('Repository')[0];
    if (!repository) throw new Error('The incident does not name the repository (custom detail Repository)');
    if (platform === 'AzureDevOps') yield* restoreAzureDevOpsRepository(ctx, repository);
    else if (platform === 'GitHub') yield* askGitHubOwnersToRestore(ctx, repository);
    else throw new Error(`The incident's platform is '${platform ?? 'missing'}'; expected AzureDevOps or GitHub (custom detail Platform)`);
    ctx.step('Hand over to an analyst');
    yield* ctx.addLabels(ctx.settings.label);
    yield* ctx.setStatus('Active');
  },
});

function* restoreAzureDevOpsRepository(ctx: Ctx, repository: string): Step<void> {
  const project = ctx.incident.customDetail('Project')[0];
  if (!project) throw new Error('The incident does not name the Azure DevOps project (custom detail Project)');
  const repositoryId = ctx.incident.customDetail('RepositoryId')[0] ?? repository;
  const deletedBy = actor(ctx);

  ctx.step('Restore the repository from the recycle bin');
  yield* ctx.run(azdo.restoreRepository, { project, repository: repositoryId });

  ctx.step('Tell the project administrators and the deleter’s manager');
  const facts: [string, string][] = [
    ['Project', project],
    ['Repository', repository],
    ['Deleted by', deletedBy ?? 'unknown'],
  ];
  yield* ctx.emailOwners(
    { kind: 'azdoProject', project },
    {
      heading: `Repository ${repository} was deleted and has been restored`,
      paragraphs: [
        `The Azure DevOps repository ${repository} in project ${project} was deleted. It has been restored from the recycle bin.`,
        'If the deletion was intended, delete it again and tell the SOC; otherwise check who had access.',
      ],
      facts,
      actionsTaken: ['Restored the repository from the recycle bin'],
    },
  );
  if (deletedBy) {
    // The deleter may have no Entra account (or no manager): say so and carry on, the restore stands.
    const told = yield* ctx.attempt(ctx.emailOwners(
      { kind: 'user', user: deletedBy },
      {
        heading: `${deletedBy} deleted the repository ${repository}`,
        paragraphs: [
          `You are the manager of ${deletedBy}, who deleted the Azure DevOps repository ${repository} in project ${project}.`,
          'It has been restored. Please confirm with them whether the deletion was intended.',
        ],
        facts,
      },
    ));
    if (!told.ok) yield* ctx.comment(html`<p>Could not e-mail the manager of ${deletedBy}: ${told.error}</p>`);
  }
}

function* askGitHubOwnersToRestore(ctx: Ctx, repository: string): Step<void> {
  const organization = ctx.incident.customDetail('Organization')[0];
  if (!organization) throw new Error('The incident does not name the GitHub organisation (custom detail Organization)');
  const fullName = `${organization}/${repository}`;
  const days = ctx.settings.restoreWithinDays;
  const steps = [
    `Sign in as an owner of the ${organization} organisation on GitHub.`,
    `Open https://github.com/organizations/${organization}/settings/deleted_repositories.`,
    `Find ${repository} and choose Restore (possible for ${days} days after the deletion; forks are not restored).`,
  ];

  ctx.step('Tell the organisation owners how to restore it');
  const owners = yield* ctx.read(github.getOrganizationOwners, { org: organization });
  // Owners without a public e-mail address: the SOC mailbox gets the steps instead.
  const recipients = owners.emails.length > 0 ? owners.emails : ctx.socMailbox ? [ctx.socMailbox] : [];
  yield* ctx.email(recipients, {
    heading: `GitHub repository ${fullName} was deleted: restore it within ${days} days`,
    paragraphs: [
      `The repository ${fullName} was deleted${actor(ctx) ? ` by ${actor(ctx)}` : ''}. GitHub has no API to restore it: an organisation owner must do it in the web UI.`,
      ...steps,
    ],
    facts: [['Repository', fullName]],
  });

  ctx.step('Add a task to restore it in time');
  yield* ctx.addTask(`Restore ${fullName} within ${days} days`, steps.join(' '));
}

/** Who did it: the rule's ActorUpn, else the first account entity. */
function actor(ctx: Ctx): string | undefined {
  return ctx.incident.customDetail('ActorUpn')[0] ?? ctx.incident.accounts()[0]?.upn ?? ctx.incident.accounts()[0]?.accountName;
}
