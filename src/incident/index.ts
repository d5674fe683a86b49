// The Sentinel incident model: what the webhook accepts and the typed Incident playbooks receive.
export * from './model.js';
export { toIncident } from './accessors.js';
export { normaliseIncident, parseIncident, IncidentValidationError, clean, TITLE_MAX, DESCRIPTION_MAX, TEXT_MAX } from './normalise.js';
export { armIncidentSchema, relayBodySchema, INCIDENT_ID_PATTERN, type FieldError, type ArmIncident, type RelayBody } from './schema.js';
export { parseUntrustedJson, sanitiseJson, isForbiddenKey, UntrustedJsonError, MAX_JSON_DEPTH, type JsonValue, type JsonObject } from './untrustedJson.js';
