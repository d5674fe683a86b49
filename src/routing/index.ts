// Routing: which playbooks an incident starts, and the intake that starts them.
export * from './trigger.js';
export { matchPlaybooks, ruleGuid, type PlaybookMatch, type RoutingResult } from './match.js';
export { runInstanceId } from './instanceId.js';
export type { PlaybookRunInput, RunRef, FailedStart, DeliverySource } from './runs.js';
export { LEDGER_ORCHESTRATION, type IntakeRecord } from './ledger.js';
