// Runbook: an extension was installed in an Azure DevOps organisation.
// 1. An extension on the allow list and not on the deny list of vulnerable extensions is expected: close the
//    incident BenignPositive / SuspiciousButExpected.
// 2. Otherwise ask the approvers whether to uninstall it.
//    - approved: uninstall it, tell the organisation administrators (Project Collection Administrators; the SOC
//      mailbox when none has an address), close TruePositive / SuspiciousActivity;
//    - rejected: it stays installed; comment who decided, leave the incident Active;
//    - nobody answered in time: comment, leave the incident Active and label it for follow-up.
// A list entry is an extension id ('publisher.extension') or a whole publisher ('publisher').
// The shipped rule "Azure DevOps New Extension Added" names no extension (custom detail ExtensionId): then the
// incident is commented and left Active for an analyst.
import { azdo, definePlaybook, email, html, sentinel, z, type PlaybookContext, type Step } from '../src/sdk/index.js';

/** Our analytic rule (deploy/rules) and the shipped "Azure DevOps New Extension Added". */
const RULE = '5ca1ab1e-0000-4000-8000-000000000007';
const SHIPPED_RULE = 'bf07ca9c-e408-443a-8939-6860a45a929e';

/** What this playbook reads from an incident (the analytic rule must supply it). */
export const reads = {
  AzureDevOps: { customDetails: ['Organization', 'ExtensionId', 'ActorUpn'], entityKinds: ['Account'] },
} as const;
type Detail = (typeof reads)['AzureDevOps']['customDetails'][number];

const settings = z.object({
  /** Extensions (or publishers) that may be installed without asking. */
  allowedExtensions: z.array(z.string().min(1)).default([]),
  /** Vulnerable extensions (or publishers): always asked about, even when allowed. */
  deniedExtensions: z.array(z.string().min(1)).default([]),
  /** Who decides whether to uninstall (default: the SOC mailbox). */
  approvers: z.array(z.email()).default([]),
  approvalTimeoutInMs: z.number().int().positive().default(24 * 60 * 60 * 1000),
  /** Label added to every incident this playbook handled. */
  label: z.string().min(1).default('soar:extension-installed'),
  /** Label added when nobody answered the approval in time. */
  timedOutLabel: z.string().min(1).default('soar:approval-timed-out'),
});
type Ctx = PlaybookContext<z.output<typeof settings>>;

export const extensionInstalled = definePlaybook({
  name: 'extension-installed',
  title: 'Extension installed',
  description:
    'Checks an extension installed in Azure DevOps against the allow and deny lists; an unexpected one is uninstalled ' +
    'once an approver agrees, and the organisation administrators are told.',
  version: '2.0.0',
  when: { analyticRuleIds: [RULE, SHIPPED_RULE] },
  settings,
  actions: [azdo.uninstallExtension, azdo.getOrganizationAdministrators, email.sendEmail, sentinel.addComment, sentinel.updateIncident],
  *run(ctx) {
    const extensionId = detail(ctx, 'ExtensionId');
    if (!extensionId) {
      yield* handOver(ctx, html`<p>Playbook ${ctx.playbook.title} could not check the extension: the incident does not name it (custom detail ExtensionId). Check the organisation's installed extensions by hand.</p>`);
      return;
    }
    const denied = listed(ctx.settings.deniedExtensions, extensionId);
    if (!denied && listed(ctx.settings.allowedExtensions, extensionId)) {
      ctx.step('Close: the extension is allowed');
      yield* ctx.close('BenignPositive', 'SuspiciousButExpected', `Extension ${extensionId} is on the allow list.`);
      return;
    }

    const why = denied ? 'is on the deny list of vulnerable extensions' : 'is not on the allow list';
    const organization = detail(ctx, 'Organization') ?? 'the organisation';
    const installedBy = actor(ctx);
    ctx.step('Ask whether to uninstall it');
    const answer = yield* ctx.approval({
      approvers: recipients(ctx, ctx.settings.approvers, 'approvers (playbook setting approvers)'),
      question: `Uninstall the extension ${extensionId} from Azure DevOps ${organization}? It ${why}${installedBy ? `; ${installedBy} installed it` : ''}.`,
      timeoutInMs: ctx.settings.approvalTimeoutInMs,
    });

    switch (answer.outcome) {
      case 'approved': {
        ctx.step('Uninstall the extension');
        yield* ctx.run(azdo.uninstallExtension, { extensionId, reason: `Security incident: the extension ${why} (SOAR run ${ctx.runId})` });
        ctx.step('Tell the organisation administrators');
        const administrators = yield* ctx.read(azdo.getOrganizationAdministrators, {});
        yield* ctx.email(recipients(ctx, administrators.emails, 'Project Collection Administrators with an e-mail address'), {
          heading: `Extension ${extensionId} was uninstalled from ${organization}`,
          paragraphs: [
            `The extension ${extensionId} ${why}. It was uninstalled${answer.by ? ` after ${answer.by} approved` : ''}.`,
            'Install it again only once it is reviewed and added to the allow list.',
          ],
          facts: [
            ['Organization', organization],
            ['Extension', extensionId],
            ['Installed by', installedBy ?? 'unknown'],
          ],
          actionsTaken: [`Uninstalled ${extensionId}`],
        });
        yield* ctx.addLabels(ctx.settings.label);
        yield* ctx.close('TruePositive', 'SuspiciousActivity', `Extension ${extensionId} uninstalled by playbook ${ctx.playbook.name}.`);
        return;
      }
      case 'rejected':
        yield* handOver(ctx, html`<p>${answer.by ?? 'An approver'} rejected uninstalling ${extensionId} at ${answer.at ?? 'an unknown time'}: it stays installed. Review why it ${why}.</p>`);
        return;
      case 'timedOut':
        yield* handOver(ctx, html`<p>Nobody answered whether to uninstall ${extensionId} in time: it stays installed. Decide and uninstall it by hand if needed.</p>`);
        yield* ctx.addLabels(ctx.settings.timedOutLabel);
        return;
    }
  },
});

/** Leaves the incident Active and labelled with a comment saying what is left to do. */
function* handOver(ctx: Ctx, note: ReturnType<typeof html>): Step<void> {
  ctx.step('Hand over to an analyst');
  yield* ctx.comment(note);
  yield* ctx.addLabels(ctx.settings.label);
  yield* ctx.setStatus('Active');
}

/** True when the list names the extension or its publisher (case-insensitive). */
function listed(list: readonly string[], extensionId: string): boolean {
  const id = extensionId.toLowerCase();
  const publisher = id.split('.')[0];
  return list.some((entry) => [id, publisher].includes(entry.toLowerCase()));
}

/** The addresses found, else the SOC mailbox. */
function recipients(ctx: Ctx, found: readonly string[], what: string): string[] {
  if (found.length > 0) return [...found];
  if (ctx.socMailbox) return [ctx.socMailbox];
  throw new Error(`Nobody to write to: no ${what}, and SOC_MAILBOX is not set`);
}

function detail(ctx: Ctx, name: Detail): string | undefined {
  return ctx.incident.customDetail(name)[0];
}

/** Who installed it: the rule's ActorUpn, else the first account entity. */
function actor(ctx: Ctx): string | undefined {
  const account = ctx.incident.accounts()[0];
  return detail(ctx, 'ActorUpn') ?? account?.upn ?? account?.accountName;
}
