// Runbook: an account was active (GitHub or Azure DevOps) from a country it was never seen in.
// 1. Find the account's Entra ID user (an account entity's Entra id, else the rule's ActorUpn).
// 2. Revoke its Entra sign-in sessions and its Azure DevOps personal access tokens.
// 3. Disable the account per the setting: always, never, or when an approver agrees.
// 4. Tell the user's manager and the SOC mailbox.
// 5. Set the incident Active, assign it and label it for an analyst.
// A GitHub-only account (no Entra id) cannot be contained here: the run comments what it could not do and still
// tells the SOC. A step that fails does not stop the others; the run then fails with every failure commented.
import { azdo, definePlaybook, email, entra, html, sentinel, z, type Attempt, type PlaybookContext, type Step } from '../src/sdk/index.js';

/** Our analytic rules (deploy/rules) and the shipped "GitHub Activites from a New Country". */
const AZDO_RULE = '5ca1ab1e-0000-4000-8000-000000000006';
const GITHUB_RULE = '5ca1ab1e-0000-4000-8000-000000000008';
const SHIPPED_GITHUB_RULE = 'f041e01d-840d-43da-95c8-4188f6cef546';

/** What this playbook reads from an incident, per platform (the analytic rules must supply it). */
export const reads = {
  AzureDevOps: { customDetails: ['Platform', 'Organization', 'Country', 'ActorUpn'], entityKinds: ['Account', 'Ip'] },
  GitHub: { customDetails: ['Platform', 'Organization', 'Country', 'ActorUpn'], entityKinds: ['Account'] },
} as const;
type Detail = (typeof reads)[keyof typeof reads]['customDetails'][number];

const settings = z.object({
  /** Disable the Entra ID account: 'always', 'never', or 'approval' (when an approver agrees). */
  disableAccount: z.enum(['always', 'never', 'approval']).default('approval'),
  /** Who decides on disabling (default: the SOC mailbox). */
  approvers: z.array(z.email()).default([]),
  approvalTimeoutInMs: z.number().int().positive().default(4 * 60 * 60 * 1000),
  /** Who the incident is assigned to (default: the SOC mailbox). */
  assignTo: z.string().default(''),
  /** Label added to every incident this playbook handled. */
  label: z.string().min(1).default('soar:new-country-activity'),
});
type Ctx = PlaybookContext<z.output<typeof settings>>;

interface Outcome {
  step: string;
  result: Attempt<unknown>;
}

export const newCountryActivity = definePlaybook({
  name: 'new-country-activity',
  title: 'Activity from a new country',
  description:
    "Revokes the Entra sign-in sessions and Azure DevOps personal access tokens of an account active from a new country, " +
    "disables it when configured or approved, tells the user's manager and the SOC, and assigns the incident.",
  version: '1.0.0',
  when: { analyticRuleIds: [AZDO_RULE, GITHUB_RULE, SHIPPED_GITHUB_RULE] },
  settings,
  actions: [
    entra.getUser,
    entra.revokeSignInSessions,
    entra.disableAccount,
    entra.getManager,
    azdo.revokeUserPats,
    email.sendEmail,
    sentinel.addComment,
    sentinel.updateIncident,
  ],
  *run(ctx) {
    const where = origin(ctx);
    const outcomes: Outcome[] = [];
    const done: string[] = [];
    const notDone: string[] = [];

    ctx.step('Find the Entra ID user');
    const reference = entraReference(ctx);
    const user = reference ? yield* ctx.attempt(ctx.read(entra.getUser, { user: reference })) : undefined;
    if (user) outcomes.push({ step: `find Entra ID user ${reference}`, result: user });
    const upn = user?.ok ? user.value.userPrincipalName : undefined;
    if (!reference) {
      notDone.push(
        `${accountLabel(ctx)} has no Entra ID identity in the incident (no account entity with an Entra id, no custom detail ActorUpn): ` +
          'its sign-in sessions and Azure DevOps tokens were not revoked, the account was not disabled and no manager was told. Contain it on its platform by hand.',
      );
    }

    if (user?.ok && upn) {
      ctx.step('Revoke sign-in sessions and personal access tokens');
      const [sessions, pats] = yield* ctx.parallel(
        ctx.attempt(ctx.run(entra.revokeSignInSessions, { user: user.value.id })),
        ctx.attempt(ctx.run(azdo.revokeUserPats, { user: upn })),
      );
      outcomes.push({ step: 'revoke the sign-in sessions', result: sessions }, { step: 'revoke the Azure DevOps PATs', result: pats });
      if (sessions.ok) done.push(`Revoked the Entra ID sign-in sessions of ${upn}`);
      if (pats.ok) done.push(`Revoked the Azure DevOps personal access tokens of ${upn}`);

      const disable = yield* decideDisable(ctx, upn, where);
      if (disable.yes) {
        ctx.step('Disable the account');
        const disabled = yield* ctx.attempt(ctx.run(entra.disableAccount, { user: user.value.id }));
        outcomes.push({ step: 'disable the account', result: disabled });
        if (disabled.ok) done.push(`Disabled the Entra ID account ${upn} (${disable.why})`);
      } else {
        notDone.push(`The account ${upn} was not disabled: ${disable.why}.`);
      }
    }

    ctx.step("Tell the user's manager and the SOC");
    const message = {
      heading: `${upn ?? accountLabel(ctx)} was active from a new country`,
      paragraphs: [
        `${upn ?? accountLabel(ctx)} was active on ${platformName(ctx)} from ${where}, a country not seen for this account before.`,
        'If this was not them, tell the SOC straight away.',
      ],
      facts: [
        ['Account', upn ?? accountLabel(ctx)],
        ['From', where],
        ['Platform', platformName(ctx)],
      ] as [string, string][],
      actionsTaken: done,
    };
    if (upn) {
      outcomes.push({ step: 'e-mail the manager', result: yield* ctx.attempt(ctx.emailOwners({ kind: 'user', user: upn }, message)) });
    }
    if (ctx.socMailbox) {
      outcomes.push({ step: 'e-mail the SOC', result: yield* ctx.attempt(ctx.email([ctx.socMailbox], { ...message, paragraphs: [...message.paragraphs, ...notDone] })) });
    } else {
      notDone.push('The SOC was not e-mailed: SOC_MAILBOX is not set.');
    }

    ctx.step('Hand over to an analyst');
    if (notDone.length > 0) {
      yield* ctx.comment(html`<p>Playbook ${ctx.playbook.title} could not do everything:</p><ul>${notDone.map((n) => html`<li>${n}</li>`)}</ul>`);
    }
    yield* ctx.setStatus('Active');
    const owner = ctx.settings.assignTo || ctx.socMailbox;
    if (owner) yield* ctx.assign(owner);
    yield* ctx.addLabels(ctx.settings.label);

    const failed = outcomes.flatMap((o) => (o.result.ok ? [] : [`${o.step}: ${o.result.error}`]));
    if (failed.length > 0) throw new Error(`${failed.length} step(s) failed: ${failed.join('; ')}`);
  },
});

/** Applies the disableAccount setting, asking the approvers when it says so. */
function* decideDisable(ctx: Ctx, upn: string, where: string): Step<{ yes: boolean; why: string }> {
  switch (ctx.settings.disableAccount) {
    case 'always':
      return { yes: true, why: 'the playbook always disables' };
    case 'never':
      return { yes: false, why: 'the playbook is set never to disable accounts' };
    case 'approval': {
      ctx.step('Ask whether to disable the account');
      const approvers = ctx.settings.approvers.length > 0 ? ctx.settings.approvers : ctx.socMailbox ? [ctx.socMailbox] : [];
      if (approvers.length === 0) return { yes: false, why: 'nobody to ask (set the approvers setting or SOC_MAILBOX)' };
      const answer = yield* ctx.approval({
        approvers,
        question: `Disable the Entra ID account ${upn}? It was active from ${where}, a country not seen for it before. Its sessions and tokens are already revoked.`,
        timeoutInMs: ctx.settings.approvalTimeoutInMs,
      });
      if (answer.outcome === 'approved') return { yes: true, why: answer.assumed ? 'approval assumed in a dry run' : `approved by ${answer.by ?? 'an approver'}` };
      if (answer.outcome === 'rejected') return { yes: false, why: `${answer.by ?? 'an approver'} rejected disabling it` };
      return { yes: false, why: 'nobody answered the approval in time' };
    }
  }
}

function detail(ctx: Ctx, name: Detail): string | undefined {
  return ctx.incident.customDetail(name)[0];
}

/** An Entra user id or UPN for the actor: an account entity's Entra id, else the rule's ActorUpn. */
function entraReference(ctx: Ctx): string | undefined {
  return ctx.incident.accounts().find((a) => a.aadUserId)?.aadUserId ?? detail(ctx, 'ActorUpn');
}

/** How to name the actor when there is no Entra user: the first account entity. */
function accountLabel(ctx: Ctx): string {
  const account = ctx.incident.accounts()[0];
  return account?.upn ?? account?.accountName ?? account?.friendlyName ?? 'The account';
}

/** The country (rule's Country, else the IP entity's location) and the address when known. */
function origin(ctx: Ctx): string {
  const ip = ctx.incident.ips()[0];
  const country = detail(ctx, 'Country') ?? ip?.countryCode ?? 'an unknown country';
  return ip ? `${country} (${ip.address})` : country;
}

function platformName(ctx: Ctx): string {
  const platform = detail(ctx, 'Platform');
  const organization = detail(ctx, 'Organization');
  const name = platform === 'AzureDevOps' ? 'Azure DevOps' : platform === 'GitHub' ? 'GitHub' : 'GitHub or Azure DevOps';
  return organization ? `${name} (${organization})` : name;
}
