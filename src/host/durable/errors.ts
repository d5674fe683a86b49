// Errors of the in-process durable API; the HTTP API maps each to the status code Azure answers with.
export { InstanceExistsError } from './store.js';

export class InstanceNotFoundError extends Error {
  override name = 'InstanceNotFoundError';
  constructor(readonly instanceId: string) {
    super(`No instance with ID '${instanceId}' found.`);
  }
}

/** The instance has completed, failed or been terminated (HTTP 410). */
export class InstanceGoneError extends Error {
  override name = 'InstanceGoneError';
  constructor(
    readonly instanceId: string,
    status: string,
  ) {
    super(`The instance '${instanceId}' is ${status}; it accepts no more operations.`);
  }
}

/** Purge asked for an instance that is still Pending, Running or Suspended (HTTP 412, with the extension's text). */
export class InstanceNotTerminalError extends Error {
  override name = 'InstanceNotTerminalError';
  constructor(
    readonly instanceId: string,
    status: string,
  ) {
    super(
      `Only orchestrations in a terminal state can be purged, but the orchestration with instance ID ${instanceId} ` +
        `has status ${status}`,
    );
  }
}

export class OrchestratorNotFoundError extends Error {
  override name = 'OrchestratorNotFoundError';
  constructor(readonly functionName: string) {
    super(`The function '${functionName}' doesn't exist, is disabled, or is not an orchestrator function.`);
  }
}

/** A request field is invalid; `path` names it. */
export class InvalidRequestError extends Error {
  override name = 'InvalidRequestError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}
