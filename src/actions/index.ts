// The action catalogue: every action by vendor namespace (what playbooks import) and as one list (what the
// activities run and what the catalogue endpoint and permission checks read). Loading it loads every action
// and zod, so the app registers activities from names.ts and loads this module on the first run.

import type { Action } from './action.js';
import { disableRepository } from './azdo/disableRepository.js';
import { enablePolicy } from './azdo/enablePolicy.js';
import { getOrganizationAdministrators } from './azdo/getOrganizationAdministrators.js';
import { getProjectAdministrators } from './azdo/getProjectAdministrators.js';
import { lockBranch as azdoLockBranch } from './azdo/lockBranch.js';
import { queryAuditLog } from './azdo/queryAuditLog.js';
import { restoreRepository } from './azdo/restoreRepository.js';
import { revokeUserPats } from './azdo/revokeUserPats.js';
import { uninstallExtension } from './azdo/uninstallExtension.js';
import { sendEmail } from './email/sendEmail.js';
import { confirmCompromised } from './entra/confirmCompromised.js';
import { disableAccount } from './entra/disableAccount.js';
import { getManager } from './entra/getManager.js';
import { getUser } from './entra/getUser.js';
import { revokeSignInSessions } from './entra/revokeSignInSessions.js';
import { applyRuleset } from './github/applyRuleset.js';
import { archiveRepository } from './github/archiveRepository.js';
import { getBranchProtection } from './github/getBranchProtection.js';
import { getOrganizationOwners } from './github/getOrganizationOwners.js';
import { getRepository } from './github/getRepository.js';
import { getRepositoryOwners } from './github/getRepositoryOwners.js';
import { lockBranch as githubLockBranch } from './github/lockBranch.js';
import { protectBranch } from './github/protectBranch.js';
import { removeCollaborator } from './github/removeCollaborator.js';
import { resolveSecretScanningAlert } from './github/resolveSecretScanningAlert.js';
import { revokeCredentials } from './github/revokeCredentials.js';
import { setRepositoryVisibility } from './github/setRepositoryVisibility.js';
import { unarchiveRepository } from './github/unarchiveRepository.js';
import { addComment } from './sentinel/addComment.js';
import { addTask } from './sentinel/addTask.js';
import { getIncident } from './sentinel/getIncident.js';
import { listAlerts } from './sentinel/listAlerts.js';
import { listEntities } from './sentinel/listEntities.js';
import { listIncidents } from './sentinel/listIncidents.js';
import { updateIncident } from './sentinel/updateIncident.js';
import type { ActionVerb, Vendor } from './names.js';

export type { Action, ActionContext, ActionEnvelope, ActionRetryPolicy, Permission, PlannedEffect } from './action.js';
export { defineAction, executeAction, isPlannedEffect } from './action.js';
export { escapeHtml, html, SafeHtml } from './html.js';
export { renderIncidentEmail } from './email/templates.js';

/** Any action, whatever its input and output types. */
export type AnyAction = Action<unknown, unknown>;

/** A vendor namespace holds exactly the actions names.ts lists for it. */
type Namespace<V extends Vendor> = Record<ActionVerb<V>, AnyAction>;

export const sentinel = { getIncident, updateIncident, addComment, addTask, listEntities, listAlerts, listIncidents } as const satisfies Namespace<'sentinel'>;
export const email = { sendEmail } as const satisfies Namespace<'email'>;
export const entra = { getUser, getManager, revokeSignInSessions, disableAccount, confirmCompromised } as const satisfies Namespace<'entra'>;
export const github = {
  getRepository,
  getRepositoryOwners,
  getOrganizationOwners,
  archiveRepository,
  unarchiveRepository,
  setRepositoryVisibility,
  lockBranch: githubLockBranch,
  getBranchProtection,
  protectBranch,
  applyRuleset,
  revokeCredentials,
  resolveSecretScanningAlert,
  removeCollaborator,
} as const satisfies Namespace<'github'>;
export const azdo = {
  restoreRepository,
  disableRepository,
  lockBranch: azdoLockBranch,
  enablePolicy,
  revokeUserPats,
  uninstallExtension,
  getProjectAdministrators,
  getOrganizationAdministrators,
  queryAuditLog,
} as const satisfies Namespace<'azdo'>;

export const allActions: readonly AnyAction[] = [
  ...Object.values(sentinel),
  ...Object.values(email),
  ...Object.values(entra),
  ...Object.values(github),
  ...Object.values(azdo),
];
