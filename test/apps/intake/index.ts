// Intake test app: the real intake, ledger, reconciler and catalogue listing, registered with a catalogue of tiny
// playbooks whose orchestrations report what they received.
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { toIncident } from '../../../src/incident/index.js';
import { registerPlaybookList } from '../../../src/routing/catalogueApi.js';
import { registerIntake } from '../../../src/routing/intake.js';
import { registerReconciler } from '../../../src/routing/reconciler.js';
import type { PlaybookEntry, PlaybookRunInput, PlaybookTrigger } from '../../../src/routing/index.js';

const GITHUB_REPO_DESTROYED = '0b85a077-8ba5-4cb5-90f7-1e882afe10c3';
const AZDO_REPO_DELETED = '5ca1ab1e-0000-4000-8000-000000000001';
const AZDO_POLICY_DISABLED = '5ca1ab1e-0000-4000-8000-000000000004';
const GITHUB_PROTECTION_REMOVED = '5ca1ab1e-0000-4000-8000-000000000005';

const triggers: [string, PlaybookTrigger][] = [
  ['restore-repository', { analyticRuleIds: [GITHUB_REPO_DESTROYED, AZDO_REPO_DELETED], customDetails: { Repository: [] } }],
  ['revoke-secret', { customDetails: { SecretType: [] }, titlePattern: '(secret|token)' }],
  ['restore-branch-policy', { analyticRuleIds: [AZDO_POLICY_DISABLED, GITHUB_PROTECTION_REMOVED] }],
  ['remove-extension', { customDetails: { ExtensionId: [] }, requiredEntityKinds: ['Account'] }],
  ['investigate-sign-in', { customDetails: { Country: [] }, requiredEntityKinds: ['Ip', 'Account'] }],
  ['notify-soc', { severities: ['High'] }],
  ['triage-xdr', { providerNames: ['Microsoft XDR'] }],
  ['closed-watcher', { eventTypes: ['Update'], statuses: ['Closed'] }],
  ['switched-off', { enabled: false }],
  // The longest name a playbook may have (it is part of every run's instance id).
  ['notify-the-security-operations-centre-of-updates', { eventTypes: ['Create', 'Update'], labels: ['long-playbook-name'] }],
];

export const testCatalogue: PlaybookEntry[] = triggers.map(([name, trigger]) => ({
  name,
  title: `Test playbook ${name}`,
  version: '1.0.0',
  trigger,
  orchestrationName: 'intakeTestPlaybook',
}));
// Wired to an orchestration that does not exist: the durable runtime refuses to start it.
testCatalogue.push({ name: 'broken-wiring', title: 'Misconfigured', version: '1.0.0', trigger: { labels: ['broken-wiring'] }, orchestrationName: 'noSuchOrchestration' });

/** What the test playbook returns: what a playbook would rely on. */
export interface IntakeTestRunOutput {
  playbook: string;
  source: string;
  incident: string;
  title: string;
  accounts: (string | undefined)[];
  platform: readonly string[];
}

// One orchestration serves every test playbook: it echoes what a playbook would rely on.
df.app.orchestration('intakeTestPlaybook', function* (context: OrchestrationContext): Generator<never, IntakeTestRunOutput> {
  const input = context.df.getInput<PlaybookRunInput>();
  const incident = toIncident(input.incident);
  return {
    playbook: input.playbook,
    source: input.source,
    incident: incident.name,
    title: incident.title,
    accounts: incident.accounts().map((a) => a.upn ?? a.accountName),
    platform: incident.customDetail('Platform'),
  };
});

registerIntake({ catalogue: testCatalogue });
registerPlaybookList({ catalogue: testCatalogue });
registerReconciler({ catalogue: testCatalogue }); // only when RECONCILER_ENABLED=true
