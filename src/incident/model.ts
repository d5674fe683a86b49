// The normalised Sentinel incident. `IncidentData` is plain JSON (it travels as orchestration input and
// through history); `Incident` is the same data with typed accessors on its prototype, so JSON.stringify
// of an Incident yields exactly its IncidentData.
import type { JsonObject } from './untrustedJson.js';

export const SEVERITIES = ['High', 'Medium', 'Low', 'Informational'] as const;
export const STATUSES = ['New', 'Active', 'Closed'] as const;
export const EVENT_TYPES = ['Create', 'Update'] as const;
export const CLASSIFICATIONS = ['BenignPositive', 'FalsePositive', 'TruePositive', 'Undetermined'] as const;
/** Entity kinds with typed accessors; any other kind is kept as a generic entity. */
export const ENTITY_KINDS = ['Account', 'Ip', 'Url', 'Host', 'CloudApplication', 'File', 'FileHash'] as const;

export type Severity = (typeof SEVERITIES)[number];
export type IncidentStatus = (typeof STATUSES)[number];
export type EventType = (typeof EVENT_TYPES)[number];
export type Classification = (typeof CLASSIFICATIONS)[number];
export type KnownEntityKind = (typeof ENTITY_KINDS)[number];

export interface WorkspaceCoordinates {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly workspaceName: string;
  /** Log Analytics workspace GUID; only the relay body carries it. */
  readonly workspaceId?: string;
}

export interface IncidentOwner {
  readonly objectId?: string;
  readonly email?: string;
  readonly assignedTo?: string;
  readonly userPrincipalName?: string;
  readonly ownerType?: string;
}

export interface IncidentLabel {
  readonly name: string;
  readonly type: string;
}

/** An entity as Sentinel sent it (camelCase properties), kind canonicalised ('ip' → 'Ip'). */
export interface EntityData {
  readonly kind: string;
  readonly id?: string;
  readonly friendlyName?: string;
  readonly properties: Readonly<JsonObject>;
}

export interface AlertData {
  readonly id?: string;
  readonly systemAlertId?: string;
  readonly displayName: string;
  readonly description?: string;
  readonly severity?: string;
  readonly status?: string;
  readonly productName?: string;
  readonly productComponentName?: string;
  readonly providerAlertId?: string;
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly startTimeUtc?: string;
  readonly endTimeUtc?: string;
  /** The analytic rule's custom details (from additionalData "Custom Details"), each a list of values. */
  readonly customDetails: Readonly<Record<string, readonly string[]>>;
  readonly additionalData: Readonly<JsonObject>;
}

export interface CommentData {
  readonly message: string;
  readonly createdTimeUtc?: string;
  readonly author?: string;
}

export interface IncidentData {
  /** ARM resource id, as sent (the case of the id is Sentinel's). */
  readonly id: string;
  /** Last segment of the id (usually a GUID). */
  readonly name: string;
  readonly etag?: string;
  readonly workspace: WorkspaceCoordinates;
  readonly eventType: EventType;
  readonly number?: number;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  readonly status: IncidentStatus;
  readonly classification?: Classification;
  readonly classificationReason?: string;
  readonly owner: IncidentOwner;
  readonly labels: readonly IncidentLabel[];
  /** Full ARM ids of the analytic rules (properties.relatedAnalyticRuleIds). */
  readonly analyticRuleIds: readonly string[];
  /** Lower-case rule GUIDs, from the rule ids and from each alert's "Analytic Rule Ids". */
  readonly analyticRuleGuids: readonly string[];
  /** From each alert's "Analytic Rule Name". */
  readonly analyticRuleNames: readonly string[];
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly productNames: readonly string[];
  readonly provider: string;
  readonly providerIncidentId?: string;
  /** Sentinel portal link; never fetched. */
  readonly portalUrl?: string;
  readonly createdTimeUtc?: string;
  readonly lastModifiedTimeUtc?: string;
  readonly firstActivityTimeUtc?: string;
  readonly lastActivityTimeUtc?: string;
  readonly alerts: readonly AlertData[];
  readonly entities: readonly EntityData[];
  readonly comments: readonly CommentData[];
}

export interface AccountEntity {
  readonly id?: string;
  readonly friendlyName?: string;
  readonly accountName?: string;
  readonly upnSuffix?: string;
  /** accountName@upnSuffix when both are present. */
  readonly upn?: string;
  readonly displayName?: string;
  readonly aadUserId?: string;
  readonly aadTenantId?: string;
  readonly ntDomain?: string;
  readonly dnsDomain?: string;
  readonly sid?: string;
  readonly objectGuid?: string;
}

export interface IpEntity {
  readonly id?: string;
  readonly friendlyName?: string;
  readonly address: string;
  readonly countryCode?: string;
  readonly countryName?: string;
  readonly city?: string;
}

export interface UrlEntity {
  readonly id?: string;
  readonly friendlyName?: string;
  /** Untrusted text: never fetch it. */
  readonly url: string;
}

export interface HostEntity {
  readonly id?: string;
  readonly friendlyName?: string;
  readonly hostName?: string;
  readonly dnsDomain?: string;
  readonly netBiosName?: string;
  readonly azureId?: string;
  readonly osFamily?: string;
  readonly osVersion?: string;
}

export interface CloudApplicationEntity {
  readonly id?: string;
  readonly friendlyName?: string;
  readonly appId?: number;
  readonly appName?: string;
  readonly instanceName?: string;
}

export interface FileEntity {
  readonly id?: string;
  readonly friendlyName?: string;
  readonly fileName?: string;
  readonly directory?: string;
}

export interface Incident extends IncidentData {
  accounts(): readonly AccountEntity[];
  ips(): readonly IpEntity[];
  urls(): readonly UrlEntity[];
  hosts(): readonly HostEntity[];
  cloudApplications(): readonly CloudApplicationEntity[];
  files(): readonly FileEntity[];
  /** Entities of any kind (case-insensitive). */
  entitiesOfKind(kind: string): readonly EntityData[];
  /** All values of a custom detail across alerts (name matched case-insensitively), deduplicated, in order. */
  customDetail(name: string): readonly string[];
}
