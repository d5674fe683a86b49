import type { Incident } from '@azure/arm-securityinsight';
import { z } from 'zod';
import { callAzureSdk } from '../../clients/azureSdk.js';
import { RemoteApiError } from '../../clients/errors.js';
import { incidentRef, sentinelClient } from '../../clients/sentinel.js';
import { defineAction } from '../action.js';
import { DEFAULT_TIMEOUT_MS, WRITE_RETRY, azureRole } from '../policies.js';
import {
  CLASSIFICATIONS,
  CLASSIFICATION_REASONS,
  SEVERITIES,
  STATUSES,
  VALID_REASONS,
  incidentInput,
  incidentSummarySchema,
  ownerSchema,
  summarise,
} from './incident.js';

/** Attempts when another writer changes the incident between our read and our write (409 on a stale etag). */
const MAX_CONFLICT_ATTEMPTS = 4;

const updateIncidentInput = z
  .object({
    incidentId: incidentInput,
    status: z.enum(STATUSES).optional(),
    severity: z.enum(SEVERITIES).optional(),
    owner: ownerSchema.optional(),
    labelsToAdd: z.array(z.string().min(1).max(256)).max(50).optional(),
    classification: z.enum(CLASSIFICATIONS).optional(),
    classificationReason: z.enum(CLASSIFICATION_REASONS).optional(),
    classificationComment: z.string().max(4000).optional(),
  })
  .superRefine((value, ctx) => {
    const { status, classification, classificationReason } = value;
    if (
      status === undefined &&
      value.severity === undefined &&
      value.owner === undefined &&
      !value.labelsToAdd?.length &&
      classification === undefined &&
      classificationReason === undefined &&
      value.classificationComment === undefined
    ) {
      ctx.addIssue({ code: 'custom', path: [], message: 'nothing to update' });
    }
    if (status === 'Closed' && classification === undefined) {
      ctx.addIssue({ code: 'custom', path: ['classification'], message: 'closing an incident needs a classification' });
    }
    if (classification !== undefined && status !== 'Closed') {
      ctx.addIssue({ code: 'custom', path: ['status'], message: "a classification is only set when closing: status must be 'Closed'" });
    }
    if (classification === undefined) {
      if (classificationReason !== undefined) ctx.addIssue({ code: 'custom', path: ['classificationReason'], message: 'a reason needs a classification' });
      return;
    }
    const valid = VALID_REASONS[classification];
    if (valid.length === 0 && classificationReason !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['classificationReason'], message: `classification '${classification}' takes no reason` });
    } else if (valid.length > 0 && classificationReason === undefined) {
      ctx.addIssue({ code: 'custom', path: ['classificationReason'], message: `classification '${classification}' must have classificationReason (${valid.join(' or ')})` });
    } else if (classificationReason !== undefined && valid.length > 0 && !valid.includes(classificationReason)) {
      ctx.addIssue({
        code: 'custom',
        path: ['classificationReason'],
        message: `'${classificationReason}' is not a reason for classification '${classification}' (valid: ${valid.join(', ')})`,
      });
    }
  });

export const updateIncident = defineAction({
  name: 'sentinel.updateIncident',
  title: 'Update incident',
  description:
    'Changes status, severity, owner, labels (added, never removed) and, when closing, classification and reason of a ' +
    'Sentinel incident. Re-reads the incident for a fresh etag and re-applies the change when another writer got in between.',
  input: updateIncidentInput,
  output: incidentSummarySchema,
  permissions: [azureRole('Sentinel', 'Microsoft Sentinel Responder')],
  retry: WRITE_RETRY,
  timeoutInMs: DEFAULT_TIMEOUT_MS,
  sideEffect: true,
  async run(input, ctx) {
    const ref = incidentRef(input.incidentId);
    const incidents = sentinelClient(ref.subscriptionId).incidents;
    for (let attempt = 1; ; attempt++) {
      const current = await callAzureSdk('Sentinel', () =>
        incidents.get(ref.resourceGroup, ref.workspaceName, ref.incidentId, { abortSignal: ctx.signal }),
      );
      const labels = [...(current.labels ?? []).map((l) => l.labelName)];
      for (const label of input.labelsToAdd ?? []) if (!labels.includes(label)) labels.push(label);
      // PUT replaces the whole incident: send every writable field, changed or not, with the etag just read.
      const next: Incident = {
        etag: current.etag,
        title: current.title,
        description: current.description,
        severity: input.severity ?? current.severity,
        status: input.status ?? current.status,
        owner: input.owner ?? current.owner,
        labels: labels.map((labelName) => ({ labelName })),
        classification: input.classification ?? current.classification,
        classificationReason: input.classification ? input.classificationReason : current.classificationReason,
        classificationComment: input.classificationComment ?? current.classificationComment,
        firstActivityTimeUtc: current.firstActivityTimeUtc,
        lastActivityTimeUtc: current.lastActivityTimeUtc,
        providerName: current.providerName,
        providerIncidentId: current.providerIncidentId,
      };
      try {
        const updated = await callAzureSdk('Sentinel', () =>
          incidents.createOrUpdate(ref.resourceGroup, ref.workspaceName, ref.incidentId, next, { abortSignal: ctx.signal }),
        );
        return summarise(updated);
      } catch (error) {
        if (error instanceof RemoteApiError && error.status === 409 && attempt < MAX_CONFLICT_ATTEMPTS) {
          ctx.log(`incident ${ref.incidentId} changed since it was read (409); re-reading, attempt ${attempt + 1}`);
          continue;
        }
        throw error;
      }
    }
  },
});
