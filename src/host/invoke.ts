// Invokes a registered function exactly as the worker does: through the programming model captured from
// @azure/functions (getArguments → invokeFunction → getResponse), so input and output conversions are
// the library's own.
import { randomUUID } from 'node:crypto';
import type { CoreInvocationContext, LogLevel, Registrations, RpcInvocationResponse, RpcTypedData } from './coreModule.js';

export interface InvocationRequest {
  /** Data for the trigger binding and for extra input bindings, keyed by binding type. */
  inputsByType: Record<string, RpcTypedData>;
  triggerMetadata?: Record<string, RpcTypedData>;
  invocationId?: string;
}

export type InvocationLog = (level: LogLevel, category: string, message: string) => void;

export class FunctionNotFoundError extends Error {
  override name = 'FunctionNotFoundError';
}

/** Invokes `functionName`; resolves with the worker's response, rejects with the handler's error. */
export async function invokeFunction(
  registrations: Registrations,
  functionName: string,
  request: InvocationRequest,
  log: InvocationLog,
): Promise<RpcInvocationResponse> {
  const registered = registeredName(registrations, functionName);
  const fn = registered === undefined ? undefined : registrations.functions.get(registered);
  if (!fn) throw new FunctionNotFoundError(`No function named "${functionName}" is registered.`);
  const model = registrations.programmingModel;
  if (!model) throw new Error('No programming model was registered by the app.');
  const inputData: { name: string; data: RpcTypedData }[] = [];
  for (const [bindingName, binding] of Object.entries(fn.metadata.bindings)) {
    if (binding.direction === 'out' || !binding.type) continue;
    const data = request.inputsByType[binding.type];
    if (data) inputData.push({ name: bindingName, data });
  }
  const coreCtx: CoreInvocationContext = {
    invocationId: request.invocationId ?? randomUUID(),
    metadata: fn.metadata,
    request: { inputData, triggerMetadata: request.triggerMetadata ?? {} },
    state: 'invocation',
    log,
  };
  const invocationModel = model.getInvocationModel(coreCtx);
  const { context, inputs } = await invocationModel.getArguments();
  const result = await invocationModel.invokeFunction(context, inputs, fn.callback);
  return invocationModel.getResponse(context, result);
}

/**
 * The registered spelling of a function name. The Functions host and the Durable extension compare function
 * names ignoring case (FunctionName: OrdinalIgnoreCase), so callActivity('Echo') runs 'echo'.
 */
export function registeredName(registrations: Registrations, functionName: string): string | undefined {
  if (registrations.functions.has(functionName)) return functionName;
  const wanted = functionName.toLowerCase();
  for (const name of registrations.functions.keys()) if (name.toLowerCase() === wanted) return name;
  return undefined;
}

/** The trigger binding of a function (the one whose type ends in "Trigger"); the name matches in any case. */
export function triggerTypeOf(registrations: Registrations, functionName: string): string | undefined {
  const registered = registeredName(registrations, functionName);
  const fn = registered === undefined ? undefined : registrations.functions.get(registered);
  if (!fn) return undefined;
  return Object.values(fn.metadata.bindings).find((b) => b.type?.toLowerCase().endsWith('trigger'))?.type;
}
