// Every action's name, in a module that imports nothing: the app registers one durable activity per name at
// start-up, and an action's module (its schemas, zod, its SDK) loads on its activity's first run. index.ts
// builds its vendor namespaces against these lists, so a missing or extra name does not compile.

export const actionNames = {
  sentinel: ['getIncident', 'updateIncident', 'addComment', 'addTask', 'listEntities', 'listAlerts', 'listIncidents'],
  email: ['sendEmail'],
  entra: ['getUser', 'getManager', 'revokeSignInSessions', 'disableAccount', 'confirmCompromised'],
  github: [
    'getRepository',
    'getRepositoryOwners',
    'getOrganizationOwners',
    'archiveRepository',
    'unarchiveRepository',
    'setRepositoryVisibility',
    'lockBranch',
    'getBranchProtection',
    'protectBranch',
    'applyRuleset',
    'revokeCredentials',
    'resolveSecretScanningAlert',
    'removeCollaborator',
  ],
  azdo: [
    'restoreRepository',
    'disableRepository',
    'lockBranch',
    'enablePolicy',
    'revokeUserPats',
    'uninstallExtension',
    'getProjectAdministrators',
    'getOrganizationAdministrators',
    'queryAuditLog',
  ],
} as const;

export type Vendor = keyof typeof actionNames;

/** The verbNoun names of one vendor's actions, e.g. 'archiveRepository'. */
export type ActionVerb<V extends Vendor> = (typeof actionNames)[V][number];

/** Every action's full name, 'vendor.verbNoun'. */
export const allActionNames: readonly string[] = Object.entries(actionNames).flatMap(([vendor, verbs]) =>
  verbs.map((verb) => `${vendor}.${verb}`),
);

/** The durable activity that runs an action: 'github.archiveRepository' → 'github-archiveRepository'. */
export function activityNameOf(actionName: string): string {
  return actionName.replace('.', '-');
}
