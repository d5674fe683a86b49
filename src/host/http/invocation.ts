// Invokes one trigger-bound function the way the host's triggers (HTTP, timer) need it: the trigger data
// plus data for the function's other input bindings from pluggable providers (the durable engine provides
// `durableClient`), timed, with the one `Executed '…'` log line. A handler's error is logged and rethrown.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RegisteredFunction, Registrations, RpcInvocationResponse, RpcTypedData } from '../coreModule.js';
import { invokeFunction } from '../invoke.js';
import { invocationLog, type HostLogger } from '../log.js';

/** What an input-binding provider learns about the invocation it feeds. */
export interface InputBindingRequest {
  functionName: string;
  bindingName: string;
}

/** Data providers for non-trigger input bindings, keyed by binding type (e.g. `durableClient`). */
export type ExtraInputProviders = Record<string, (request: InputBindingRequest) => RpcTypedData>;

export interface InvocationHost {
  registrations: Registrations;
  logger: HostLogger;
  extraInputs: ExtraInputProviders;
}

export async function invokeTrigger(
  host: InvocationHost,
  functionName: string,
  trigger: { type: string; data: RpcTypedData },
): Promise<RpcInvocationResponse> {
  const fn = host.registrations.functions.get(functionName);
  const inputsByType: Record<string, RpcTypedData> = { [trigger.type]: trigger.data };
  for (const [bindingName, binding] of Object.entries(fn?.metadata.bindings ?? {})) {
    if (binding.direction !== 'in' || !binding.type || binding.type === trigger.type) continue;
    const provide = host.extraInputs[binding.type];
    if (provide) inputsByType[binding.type] = provide({ functionName, bindingName });
  }
  const invocationId = randomUUID();
  const started = performance.now();
  try {
    const response = await invokeFunction(
      host.registrations,
      functionName,
      { inputsByType, invocationId },
      invocationLog(host.logger, functionName),
    );
    host.logger.executed(functionName, invocationId, 'Succeeded', performance.now() - started);
    return response;
  } catch (err) {
    host.logger.executed(functionName, invocationId, 'Failed', performance.now() - started);
    host.logger.error(`Function '${functionName}' (Id=${invocationId}) failed: ${describeError(err)}`);
    if (err instanceof Error && err.stack) host.logger.debug(`Function '${functionName}' (Id=${invocationId}) stack: ${err.stack}`);
    throw err;
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** Input binding types of `fn` that no provider serves (they would reach the handler as undefined). */
export function unservedInputTypes(fn: RegisteredFunction, providers: ExtraInputProviders): string[] {
  return Object.values(fn.metadata.bindings)
    .filter((b) => b.direction === 'in' && b.type && !b.type.toLowerCase().endsWith('trigger') && !providers[b.type])
    .map((b) => b.type as string);
}
