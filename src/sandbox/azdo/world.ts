// The Azure DevOps slice of the sandbox world: organisations with their projects, repositories, recycle bin, policies,
// identities, Graph groups, PATs, installed extensions and audit log. Names follow the REST API's camelCase.
// Seeded from worlds/default/azdo.json.

import { z } from 'zod';

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
const isoTime = z.string().min(1);

const AzdoIdentitySchema = z.object({
  /** Identity id (a GUID, the "storage key"). */
  id: guid,
  /** Graph subject descriptor, e.g. aad.<base64>. */
  subjectDescriptor: z.string(),
  /** Entra object id of the user. */
  originId: guid,
  principalName: z.string(),
  displayName: z.string(),
  mailAddress: z.string(),
});
export type AzdoIdentity = z.infer<typeof AzdoIdentitySchema>;

const AzdoRepositorySchema = z.object({
  id: guid,
  name: z.string(),
  projectId: guid,
  defaultBranch: z.string().nullable(),
  isDisabled: z.boolean(),
  size: z.number().int(),
  createdDate: isoTime,
  refs: z.array(
    z.object({
      name: z.string(),
      objectId: z.string(),
      /** Identity id of the creator. */
      creatorId: guid,
      isLocked: z.boolean(),
      /** Identity id of who locked it, when locked. */
      isLockedById: guid.nullable(),
    }),
  ),
});
export type AzdoRepository = z.infer<typeof AzdoRepositorySchema>;

const AzdoDeletedRepositorySchema = AzdoRepositorySchema.extend({
  deletedDate: isoTime,
  /** Identity id of who deleted it. */
  deletedById: guid,
});
export type AzdoDeletedRepository = z.infer<typeof AzdoDeletedRepositorySchema>;

const PolicyConfigurationSchema = z.object({
  id: z.number().int(),
  revision: z.number().int(),
  projectId: guid,
  isEnabled: z.boolean(),
  isBlocking: z.boolean(),
  isDeleted: z.boolean(),
  typeId: guid,
  settings: z.record(z.string(), z.unknown()),
  createdById: guid,
  createdDate: isoTime,
});
export type PolicyConfiguration = z.infer<typeof PolicyConfigurationSchema>;

const PatSchema = z.object({
  authorizationId: guid,
  /** Subject descriptor of the owning user (the token-admin API lists by it). */
  userDescriptor: z.string(),
  displayName: z.string(),
  scope: z.string(),
  validFrom: isoTime,
  validTo: isoTime,
  isValid: z.boolean(),
  isPublic: z.boolean(),
});
export type Pat = z.infer<typeof PatSchema>;

const InstalledExtensionSchema = z.object({
  publisherId: z.string(),
  publisherName: z.string(),
  extensionId: z.string(),
  extensionName: z.string(),
  version: z.string(),
  flags: z.string(),
  lastPublished: isoTime,
  installedDate: isoTime,
});
export type InstalledExtension = z.infer<typeof InstalledExtensionSchema>;

const AuditEntrySchema = z.object({
  id: z.string(),
  timestamp: isoTime,
  actionId: z.string(),
  area: z.string(),
  category: z.enum(['Unknown', 'Modify', 'Remove', 'Create', 'Access', 'Execute']),
  details: z.string(),
  actorUPN: z.string(),
  actorDisplayName: z.string(),
  ipAddress: z.string(),
  projectName: z.string().nullable(),
  scopeType: z.enum(['organization', 'project', 'enterprise', 'deployment', 'unknown']),
  data: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

const AzdoOrganizationSchema = z.object({
  name: z.string(),
  id: guid,
  projects: z.array(z.object({ id: guid, name: z.string(), description: z.string(), lastUpdateTime: isoTime })),
  identities: z.array(AzdoIdentitySchema),
  /** Graph groups with their direct members (subject descriptors). Project groups carry the project id. */
  groups: z.array(
    z.object({
      descriptor: z.string(),
      originId: guid,
      displayName: z.string(),
      description: z.string(),
      projectId: guid.nullable(),
      members: z.array(z.string()),
    }),
  ),
  repositories: z.array(AzdoRepositorySchema),
  recycleBin: z.array(AzdoDeletedRepositorySchema),
  policyConfigurations: z.array(PolicyConfigurationSchema),
  pats: z.array(PatSchema),
  /** Every POST …/tokenadmin/revocations entry, in order. */
  revocations: z.array(z.object({ authorizationId: guid, revokedAt: isoTime })),
  extensions: z.array(InstalledExtensionSchema),
  /** Every uninstall, in order. */
  uninstalledExtensions: z.array(
    z.object({ publisherName: z.string(), extensionName: z.string(), reason: z.string().nullable(), reasonCode: z.string().nullable(), time: isoTime }),
  ),
  auditLog: z.array(AuditEntrySchema),
});
export type AzdoOrganization = z.infer<typeof AzdoOrganizationSchema>;

export const AzdoWorldSchema = z.object({
  organizations: z.array(AzdoOrganizationSchema),
  /** Request budget per caller per window; past it, replies are 429 TF400733 with Retry-After. */
  rateLimit: z.object({ limit: z.number().int().positive(), windowSeconds: z.number().int().positive() }),
  /** Requests counted in the current window, per caller (token oid). */
  rateLimitUsage: z.array(z.object({ caller: z.string(), windowStart: z.number(), used: z.number().int() })),
});
export type AzdoWorld = z.infer<typeof AzdoWorldSchema>;
