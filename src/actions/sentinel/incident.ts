// The incident as actions return it, and the enums and classification rules of the Sentinel API.

import type { Incident } from '@azure/arm-securityinsight';
import { z } from 'zod';

export const SEVERITIES = ['High', 'Medium', 'Low', 'Informational'] as const;
export const STATUSES = ['New', 'Active', 'Closed'] as const;
export const CLASSIFICATIONS = ['Undetermined', 'TruePositive', 'BenignPositive', 'FalsePositive'] as const;
export const CLASSIFICATION_REASONS = ['SuspiciousActivity', 'SuspiciousButExpected', 'IncorrectAlertLogic', 'InaccurateData'] as const;

export type Classification = (typeof CLASSIFICATIONS)[number];
export type ClassificationReason = (typeof CLASSIFICATION_REASONS)[number];

/** The reasons Sentinel accepts with each classification (Undetermined takes none). */
export const VALID_REASONS: Readonly<Record<Classification, readonly ClassificationReason[]>> = {
  Undetermined: [],
  TruePositive: ['SuspiciousActivity'],
  BenignPositive: ['SuspiciousButExpected'],
  FalsePositive: ['IncorrectAlertLogic', 'InaccurateData'],
};

export const incidentInput = z.string().min(1).max(1024).describe('incident name (GUID) in the configured workspace, or its full ARM id');

export const ownerSchema = z.object({
  objectId: z.string().optional(),
  email: z.string().optional(),
  userPrincipalName: z.string().optional(),
  assignedTo: z.string().optional(),
});

export const incidentSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  etag: z.string().optional(),
  title: z.string(),
  description: z.string().optional(),
  severity: z.enum(SEVERITIES),
  status: z.enum(STATUSES),
  classification: z.enum(CLASSIFICATIONS).optional(),
  classificationReason: z.enum(CLASSIFICATION_REASONS).optional(),
  classificationComment: z.string().optional(),
  owner: ownerSchema,
  labels: z.array(z.string()),
  incidentNumber: z.number().int().optional(),
  incidentUrl: z.string().optional(),
  providerName: z.string().optional(),
  /**
   * Routing reads these for incidents that carry no alerts (the reconciler lists incidents without them). Optional,
   * so that results recorded in the history of runs started before they existed still replay.
   */
  relatedAnalyticRuleIds: z.array(z.string()).optional(),
  additionalData: z.object({ tactics: z.array(z.string()), alertProductNames: z.array(z.string()) }).optional(),
  createdTimeUtc: z.string().optional(),
  lastModifiedTimeUtc: z.string().optional(),
});
export type IncidentSummary = z.infer<typeof incidentSummarySchema>;

/** Sentinel sends null for unset fields; the summary leaves them out. */
function given<T>(value: T | null | undefined): T | undefined {
  return value ?? undefined;
}

export function summarise(incident: Incident): IncidentSummary {
  const owner = incident.owner ?? {};
  return {
    id: incident.id ?? '',
    name: incident.name ?? '',
    etag: given(incident.etag),
    title: incident.title ?? '',
    description: given(incident.description),
    severity: incident.severity as IncidentSummary['severity'],
    status: incident.status as IncidentSummary['status'],
    classification: given(incident.classification) as IncidentSummary['classification'],
    classificationReason: given(incident.classificationReason) as IncidentSummary['classificationReason'],
    classificationComment: given(incident.classificationComment),
    owner: {
      objectId: given(owner.objectId),
      email: given(owner.email),
      userPrincipalName: given(owner.userPrincipalName),
      assignedTo: given(owner.assignedTo),
    },
    labels: (incident.labels ?? []).map((l) => l.labelName),
    incidentNumber: given(incident.incidentNumber),
    incidentUrl: given(incident.incidentUrl),
    providerName: given(incident.providerName),
    relatedAnalyticRuleIds: incident.relatedAnalyticRuleIds ?? [],
    additionalData: { tactics: incident.additionalData?.tactics ?? [], alertProductNames: incident.additionalData?.alertProductNames ?? [] },
    createdTimeUtc: incident.createdTimeUtc?.toISOString(),
    lastModifiedTimeUtc: incident.lastModifiedTimeUtc?.toISOString(),
  };
}
