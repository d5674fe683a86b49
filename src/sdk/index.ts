// What playbook files import: definePlaybook, the types of the playbook context, the action catalogue
// (typed handles by vendor) and the html template.
export { definePlaybook, orchestrationNameOf, PlaybookDefinitionError } from './playbook.js';
export type {
  AnyAction,
  ApprovalOutcome,
  ApprovalRequest,
  ApprovalResult,
  Attempt,
  EmailOwnersResult,
  OwnerEmail,
  OwnerTarget,
  Playbook,
  PlaybookContext,
  PlaybookDefinition,
  ReasonFor,
  SettingsSchema,
  Step,
  StepResult,
  WaitForEntitiesOptions,
} from './playbook.js';
export { ActionFailedError } from './context.js';
export { azdo, email, entra, github, sentinel, html, isPlannedEffect as isPlanned } from '../actions/index.js';
export type { Action, PlannedEffect } from '../actions/index.js';
export { z } from 'zod';
