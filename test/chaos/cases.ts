// Chaos incidents of the five seed playbooks (repository-deleted, secret-committed, branch-policy-disabled,
// new-country-activity, extension-installed): clones of the seed fixtures, each with its own incident (name, number) and, where
// the playbook's effect would otherwise collide, its own repository or policy, so 1,000 runs can each be
// checked against the sandbox (new-country-activity's effects on alice are idempotent: checked as a state). `chaosWorld` is the sandbox world that holds every incident and repository the cases name.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import type { AzdoWorldSchema } from '../../src/sandbox/azdo/world.js';
import type { GitHubWorldSchema } from '../../src/sandbox/github/world.js';
import type { World } from '../../src/sandbox/index.js';
import type { sentinelWorldSchema } from '../../src/sandbox/world.js';
import { readIncidentFixture, type IncidentFixture } from '../fixtures/relayBody.js';

type Incident = World['sentinel']['incidents'][number];
type Mail = World['email']['outbox'][number];

/** The world slices as the seed files hold them (the sandbox fills in defaults when it loads them). */
type SentinelSeed = z.input<typeof sentinelWorldSchema>;
type GitHubSeed = z.input<typeof GitHubWorldSchema>;
type AzdoSeed = z.input<typeof AzdoWorldSchema>;
type SentinelSeedIncident = SentinelSeed['incidents'][number];

/** The seed world of a chaos run: the default slices plus the cases' incidents, repositories and policies. */
export interface ChaosWorld {
  sentinel: SentinelSeed;
  github: GitHubSeed;
  azdo: AzdoSeed;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const defaultWorldDir = path.join(repoRoot, 'src/sandbox/worlds/default');

export const KINDS = [
  'repo-deleted-github',
  'repo-deleted-azdo',
  'secret-committed-github',
  'secret-committed-azdo',
  'branch-policy-disabled-azdo',
  'branch-protection-removed-github',
  'new-country-azdo',
  'extension-installed-azdo',
] as const;
export type Kind = (typeof KINDS)[number];

export interface ChaosCase {
  kind: Kind;
  /** Sentinel incident name (unique). */
  name: string;
  number: number;
  /** The relay body to POST to /api/incidents. */
  body: IncidentFixture;
  /** The playbook the delivery must start. */
  playbook: string;
  /** The repository (or repository name) this case owns. */
  repository: string;
  /** Text planted in the incident that must come out escaped (hostile cases). */
  hostile?: boolean;
}

export interface CaseOptions {
  /** Title, custom details and entities overridden (hostile input). */
  title?: string;
  description?: string;
  repository?: string;
  actorUpn?: string;
  accountName?: string;
}

const fixtureFor: Record<Kind, string> = {
  'repo-deleted-github': 'repo-deleted-github',
  'repo-deleted-azdo': 'repo-deleted-azdo',
  'secret-committed-github': 'secret-committed-github',
  'secret-committed-azdo': 'secret-committed-azdo',
  'branch-policy-disabled-azdo': 'branch-policy-disabled-azdo',
  'branch-protection-removed-github': 'branch-protection-removed-github',
  'new-country-azdo': 'new-country-azdo',
  'extension-installed-azdo': 'extension-installed-azdo',
};
const playbookFor: Record<Kind, string> = {
  'repo-deleted-github': 'repository-deleted',
  'repo-deleted-azdo': 'repository-deleted',
  'secret-committed-github': 'secret-committed',
  'secret-committed-azdo': 'secret-committed',
  'branch-policy-disabled-azdo': 'branch-policy-disabled',
  'branch-protection-removed-github': 'branch-policy-disabled',
  'new-country-azdo': 'new-country-activity',
  'extension-installed-azdo': 'extension-installed',
};

/** The repository a case owns: its own, except the Azure DevOps policy cases (a policy of payments-api), and none for the rest. */
function repositoryOf(kind: Kind, name: string): string {
  if (kind === 'branch-policy-disabled-azdo') return 'payments-api';
  if (kind === 'new-country-azdo' || kind === 'extension-installed-azdo') return '';
  const suffix = kind.startsWith('repo-deleted') ? 'deleted' : kind.startsWith('secret') ? 'secret' : 'branch';
  return `${name}-${suffix}`;
}

/** The extension publisher the chaos settings allow (PLAYBOOK_EXTENSION_INSTALLED_ALLOWED_EXTENSIONS). */
export const ALLOWED_PUBLISHER = 'chaos-publisher';

const fixtures = new Map<string, IncidentFixture>();
function fixture(name: string): IncidentFixture {
  let body = fixtures.get(name);
  if (!body) {
    body = readIncidentFixture(name);
    fixtures.set(name, body);
  }
  return structuredClone(body);
}

/** A stable UUID-shaped id from a text (repositories and events need GUIDs). */
export function guid(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The token planted in case `name`'s secret-scanning alert (a GitHub token shape, so redaction is tested too). */
export function leakedToken(name: string): string {
  return `ghp_Chaos${createHash('sha256').update(name).digest('hex').slice(0, 31)}`;
}

/** One incident of `kind`, named `<prefix>-<index>`, numbered `number`. */
export function makeCase(kind: Kind, prefix: string, index: number, number: number, options: CaseOptions = {}): ChaosCase {
  const name = `${prefix}-${index}`;
  const repository = options.repository ?? repositoryOf(kind, name);
  const body = fixture(fixtureFor[kind]);
  const incident = body.object;
  incident.id = String(incident.id).replace(/Incidents\/[^/]+$/, `Incidents/${name}`);
  incident.name = name;
  body.eventUniqueId = guid(`event:${name}`);
  const props = incident.properties;
  props.incidentNumber = number;
  props.providerIncidentId = String(number);
  props.incidentUrl = String(props.incidentUrl).replace(/Incidents\/[^/]+$/, `Incidents/${name}`);
  if (options.title !== undefined) props.title = options.title;
  if (options.description !== undefined) props.description = options.description;
  const alertData = props.alerts[0].properties.additionalData;
  const details = JSON.parse(alertData['Custom Details']) as Record<string, string[]>;
  if (repository !== '') details.Repository = [repository];
  if (kind === 'repo-deleted-azdo') details.RepositoryId = [guid(`repo:${repository}`)];
  if (kind === 'secret-committed-azdo') delete details.RepositoryId;
  // Each policy case re-enables its own policy configuration, numbered like the incident.
  if (kind === 'branch-policy-disabled-azdo') details.PolicyId = [String(number)];
  // An extension of the publisher CHAOS_SETTINGS allows: closed without asking an approver.
  if (kind === 'extension-installed-azdo') details.ExtensionId = [`${ALLOWED_PUBLISHER}.extension-${number}`];
  if (options.actorUpn !== undefined) details.ActorUpn = [options.actorUpn];
  alertData['Custom Details'] = JSON.stringify(details);
  if (options.accountName !== undefined) {
    for (const entity of props.relatedEntities) {
      if (entity.kind === 'Account') Object.assign(entity.properties, { accountName: options.accountName, friendlyName: options.accountName });
    }
  }
  const hostile = Object.keys(options).length > 0;
  return { kind, name, number, body, playbook: playbookFor[kind], repository, ...(hostile ? { hostile } : {}) };
}

/** `count` cases cycling through the kinds, numbered from `firstNumber`. */
export function mixedCases(prefix: string, count: number, firstNumber: number): ChaosCase[] {
  return Array.from({ length: count }, (_, i) => makeCase(KINDS[i % KINDS.length]!, prefix, i, firstNumber + i));
}

/** The case's incident as the sandbox holds it: the relay body's fields the sandbox keeps. */
function sentinelIncident(c: ChaosCase): SentinelSeedIncident {
  const incident = c.body.object;
  const p: Record<string, unknown> = incident.properties;
  const properties: Record<string, unknown> = {};
  for (const key of [
    'title', 'description', 'severity', 'status', 'owner', 'labels', 'incidentNumber', 'createdTimeUtc', 'lastModifiedTimeUtc',
    'firstActivityTimeUtc', 'lastActivityTimeUtc', 'providerName', 'providerIncidentId', 'relatedAnalyticRuleIds', 'additionalData',
  ]) {
    if (p[key] !== undefined) properties[key] = p[key];
  }
  return {
    name: c.name,
    etag: incident.etag,
    // Copied field by field from the relay body (whose fields may be null where the sandbox's are optional):
    // JSON the sandbox validates when it loads the world.
    properties: properties as SentinelSeedIncident['properties'],
    entities: incident.properties.relatedEntities.map((e) => ({ name: e.name, kind: e.kind, properties: e.properties })),
    alerts: incident.properties.alerts.map((a) => ({ name: a.name, properties: a.properties })),
  };
}

function readDefault<K extends keyof ChaosWorld>(slice: K): ChaosWorld[K] {
  return JSON.parse(readFileSync(path.join(defaultWorldDir, `${slice}.json`), 'utf8')) as ChaosWorld[K];
}

/** The default world plus every incident, repository and recycle-bin entry the cases need. */
export function chaosWorld(cases: readonly ChaosCase[]): ChaosWorld {
  const sentinel = readDefault('sentinel');
  const github = readDefault('github');
  const azdo = readDefault('azdo');
  const org = azdo.organizations[0]!;
  const paymentsApi = github.repos.find((r) => r.name === 'payments-api')!;
  const legacyBilling = org.recycleBin[0]!;
  for (const [i, c] of cases.entries()) {
    sentinel.incidents.push(sentinelIncident(c));
    if (c.kind === 'secret-committed-github' || c.kind === 'branch-protection-removed-github') {
      const repo = structuredClone(paymentsApi);
      repo.id = 9_000_000 + i;
      repo.name = c.repository;
      repo.files['README.md'] = `# ${c.repository}\n`;
      repo.secretScanningAlerts[0].secret = leakedToken(c.name);
      // What the audit event says happened.
      if (c.kind === 'branch-protection-removed-github') repo.branches[0].protection = null;
      github.repos.push(repo);
    }
    if (c.kind === 'branch-policy-disabled-azdo') {
      const policy = structuredClone(org.policyConfigurations.find((p) => p.id === 12)!);
      policy.id = c.number;
      org.policyConfigurations.push(policy);
    }
    if (c.kind === 'repo-deleted-azdo') {
      const repo = structuredClone(legacyBilling);
      repo.id = guid(`repo:${c.repository}`);
      repo.name = c.repository;
      org.recycleBin.push(repo);
    }
  }
  return { sentinel, github, azdo };
}

/** The mails of incident `number`, by their subject prefix. */
export function mailsOf(world: World, number: number): Mail[] {
  const prefix = `[Sentinel incident ${number}] `;
  return world.email.outbox.filter((m) => m.subject.startsWith(prefix));
}

const expectedRecipients: Record<Kind, string[][]> = {
  'repo-deleted-github': [['erin@contoso.com']],
  'repo-deleted-azdo': [['carol@contoso.com'], ['bob@contoso.com']],
  'secret-committed-github': [['alice@contoso.com', 'carol@contoso.com', 'dave@contoso.com'], ['dave@contoso.com']],
  'secret-committed-azdo': [['carol@contoso.com'], ['dave@contoso.com']],
  'branch-policy-disabled-azdo': [['carol@contoso.com']],
  'branch-protection-removed-github': [['alice@contoso.com', 'carol@contoso.com', 'dave@contoso.com']],
  'new-country-azdo': [['bob@contoso.com'], ['soc@contoso.com']],
  'extension-installed-azdo': [],
};

export interface Outcome {
  problems: string[];
  /** Effects found more often than once (mails, comments, tasks). */
  duplicates: number;
}

function labelsOf(incident: Incident): string[] {
  return incident.properties.labels.map((l) => l.labelName);
}

/** Checks the sandbox against what a completed run of the case must have done. */
export function checkCompleted(world: World, c: ChaosCase): Outcome {
  const problems: string[] = [];
  let duplicates = 0;
  const fail = (what: string): void => void problems.push(`${c.name} (${c.kind}): ${what}`);
  const incident = world.sentinel.incidents.find((i) => i.name === c.name);
  if (!incident) return { problems: [`${c.name}: not in the sandbox`], duplicates: 0 };

  const comments = incident.comments.map((m) => m.properties.message);
  if (comments.length > 2) duplicates += comments.length - 2;
  if (comments.length !== 2 || !/finished/.test(comments[1] ?? '')) {
    const listed = incident.comments.map((m) => `${m.name}: ${m.properties.message.replace(/<[^>]*>/g, ' ').slice(0, 120)}`);
    fail(`expected a start and a summary comment, got ${comments.length}: ${listed.join(' | ')}`);
  }

  const mails = mailsOf(world, c.number).map((m) => m.to.map((t) => t.address).sort().join(','));
  const wanted = expectedRecipients[c.kind].map((r) => r.join(','));
  if (mails.length > wanted.length) duplicates += mails.length - wanted.length;
  if ([...mails].sort().join(' | ') !== [...wanted].sort().join(' | ')) fail(`mails to [${mails.join(' | ')}], expected [${wanted.join(' | ')}]`);

  switch (c.kind) {
    case 'repo-deleted-github': {
      const tasks = incident.tasks.map((t) => t.properties.title);
      if (tasks.length > 1) duplicates += tasks.length - 1;
      if (tasks.join() !== `Restore contoso/${c.repository} within 90 days`) fail(`tasks ${JSON.stringify(tasks)}`);
      if (incident.properties.status !== 'Active' || !labelsOf(incident).includes('soar:repository-deleted')) fail('not Active with its label');
      break;
    }
    case 'repo-deleted-azdo': {
      const org = world.azdo.organizations[0]!;
      if (!org.repositories.some((r) => r.name === c.repository) || org.recycleBin.some((r) => r.name === c.repository)) fail('repository not restored');
      if (incident.properties.status !== 'Active' || !labelsOf(incident).includes('soar:repository-deleted')) fail('not Active with its label');
      break;
    }
    case 'secret-committed-github': {
      const repo = world.github.repos.find((r) => r.owner === 'contoso' && r.name === c.repository);
      const alert = repo?.secretScanningAlerts[0];
      if (!JSON.stringify(world.github.revokedCredentials).includes(leakedToken(c.name))) fail('token not revoked');
      if (alert?.state !== 'resolved' || alert.resolution !== 'revoked') fail('alert not resolved as revoked');
      if (repo?.visibility !== 'private' || repo.branches.find((b) => b.name === 'main')?.protection?.lockBranch !== true) fail('repository not locked');
      if (incident.properties.status !== 'Closed' || incident.properties.classification !== 'TruePositive') fail('not closed TruePositive');
      break;
    }
    case 'secret-committed-azdo': {
      const org = world.azdo.organizations[0]!;
      const dave = org.identities.find((i) => i.principalName === 'dave@contoso.com')!;
      if (org.pats.some((p) => p.userDescriptor === dave.subjectDescriptor && p.isValid)) fail("dave's PATs not revoked");
      if (incident.properties.status !== 'Closed' || incident.properties.classification !== 'TruePositive') fail('not closed TruePositive');
      break;
    }
    case 'branch-policy-disabled-azdo': {
      const policy = world.azdo.organizations[0]!.policyConfigurations.find((p) => p.id === c.number);
      if (policy?.isEnabled !== true) fail(`policy ${c.number} not enabled again`);
      if (incident.properties.status !== 'Active' || !labelsOf(incident).includes('soar:branch-policy-disabled')) fail('not Active with its label');
      break;
    }
    case 'branch-protection-removed-github': {
      // Re-protected either by branch protection or by a ruleset (the playbook has used both); one task about it.
      const repo = world.github.repos.find((r) => r.owner === 'contoso' && r.name === c.repository);
      const rulesets = repo?.rulesets.filter((r) => r.name === 'soar-branch-protection') ?? [];
      if (rulesets.length > 1) duplicates += rulesets.length - 1;
      const main = repo?.branches.find((b) => b.name === 'main');
      if (!main?.protection && !rulesets.some((r) => r.enforcement === 'active')) fail('main is not protected again');
      const tasks = incident.tasks.map((t) => t.properties.title);
      if (tasks.length > 1) duplicates += tasks.length - 1;
      if (tasks.length !== 1 || !tasks[0]!.includes(`branch protection of main in contoso/${c.repository}`)) fail(`tasks ${JSON.stringify(tasks)}`);
      if (incident.properties.status !== 'Active') fail('not Active');
      break;
    }
    case 'new-country-azdo': {
      const alice = world.graph.users.find((u) => u.userPrincipalName === 'alice@contoso.com')!;
      if (alice.accountEnabled || !alice.signInSessionsValidFromDateTime) fail("alice's account not disabled or her sessions not revoked");
      const org = world.azdo.organizations[0]!;
      const identity = org.identities.find((i) => i.principalName === 'alice@contoso.com')!;
      if (org.pats.some((p) => p.userDescriptor === identity.subjectDescriptor && p.isValid)) fail("alice's PATs not revoked");
      if (incident.properties.status !== 'Active' || incident.properties.owner.userPrincipalName !== 'soc@contoso.com') fail('not Active and assigned to the SOC');
      if (!labelsOf(incident).includes('soar:new-country-activity')) fail('no label');
      break;
    }
    case 'extension-installed-azdo': {
      const p = incident.properties;
      if (p.status !== 'Closed' || p.classification !== 'BenignPositive' || p.classificationReason !== 'SuspiciousButExpected') fail('not closed BenignPositive / SuspiciousButExpected');
      break;
    }
  }
  return { problems, duplicates };
}

/** GitHub allows 60 unauthenticated credential-revocation requests an hour per address (the sandbox too). */
const REVOCATION_RATE_LIMITED = /github\.revokeCredentials\) failed: GitHub API 403: API rate limit exceeded/;

/**
 * A secret-committed GitHub run that failed only because GitHub's credential-revocation rate limit was used
 * up: everything else was done, the failure is commented and the incident stays Active. Undefined when the
 * run failed for another reason (or is another kind).
 */
export function checkRevocationRateLimited(world: World, c: ChaosCase, output: unknown): Outcome | undefined {
  if (c.kind !== 'secret-committed-github' || !REVOCATION_RATE_LIMITED.test(JSON.stringify(output))) return undefined;
  const problems: string[] = [];
  let duplicates = 0;
  const fail = (what: string): void => void problems.push(`${c.name} (rate-limited revocation): ${what}`);
  const incident = world.sentinel.incidents.find((i) => i.name === c.name)!;
  const comments = incident.comments.map((m) => m.properties.message);
  if (comments.length > 2) duplicates += comments.length - 2;
  const last = comments.at(-1) ?? '';
  if (comments.length !== 2 || !/failed/.test(last) || !/API rate limit exceeded/.test(last) || !/The incident stays Active/.test(last)) {
    fail(`expected a start and a failure comment naming the rate limit, got ${comments.length}`);
  }
  if (incident.properties.status !== 'Active') fail(`incident is ${incident.properties.status}, expected Active`);
  const repo = world.github.repos.find((r) => r.owner === 'contoso' && r.name === c.repository);
  if (repo?.secretScanningAlerts[0]?.state !== 'open') fail('the alert was resolved although the token was not revoked');
  if (repo?.visibility !== 'private') fail('repository not made private');
  const mails = mailsOf(world, c.number).length;
  if (mails > 2) duplicates += mails - 2;
  if (mails !== 2) fail(`${mails} mails, expected the owners' and the committer's`);
  return { problems, duplicates };
}
