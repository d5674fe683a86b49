// Provides the `@azure/functions-core` module the way the Functions worker does, so that the unmodified
// app's `app.http(...)`, `df.app.orchestration(...)` etc. register with this host instead of falling back
// to the library's "test mode". It must be installed before `@azure/functions` is first required: the
// library caches the result of its first lookup, including a failed one.
import Module from 'node:module';

/** The subset of the worker's RPC binding shape that the library produces (toCoreFunctionMetadata). */
export interface RpcBindingInfo {
  type?: string;
  direction?: 'in' | 'out' | 'inout';
  name?: string;
  properties?: Record<string, string>;
  [option: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  bindings: Record<string, RpcBindingInfo>;
  retryOptions?: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

/** The worker's typed-data union; only the members this host produces or consumes. */
export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  http?: RpcHttpData | null;
  int?: number | null;
  double?: number | null;
}

export interface RpcHttpData {
  method?: string | null;
  url?: string | null;
  headers?: Record<string, string> | null;
  body?: RpcTypedData | null;
  params?: Record<string, string> | null;
  query?: Record<string, string> | null;
  statusCode?: string | null;
  identities?: unknown[] | null;
  cookies?: unknown[] | null;
  enableContentNegotiation?: boolean | null;
  rawBody?: RpcTypedData | null;
  nullableHeaders?: Record<string, { value?: string | null }> | null;
  nullableParams?: Record<string, { value?: string | null }> | null;
  nullableQuery?: Record<string, { value?: string | null }> | null;
}

export interface RpcInvocationResponse {
  invocationId?: string;
  outputData?: { name?: string | null; data?: RpcTypedData | null }[] | null;
  returnValue?: RpcTypedData | null;
}

export type LogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';

export interface CoreInvocationContext {
  invocationId: string;
  metadata: FunctionMetadata;
  request: {
    inputData: { name: string; data: RpcTypedData }[];
    triggerMetadata?: Record<string, RpcTypedData>;
    retryContext?: unknown;
    traceContext?: unknown;
  };
  state?: string;
  log(level: LogLevel, category: 'user' | 'system' | 'customMetric', message: string): void;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], handler: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreCtx: CoreInvocationContext): InvocationModel;
}

export interface RegisteredFunction {
  metadata: FunctionMetadata;
  callback: FunctionCallback;
}

export type HookCallback = (context: unknown) => unknown;

/** What one loaded app registered. */
export interface Registrations {
  functions: Map<string, RegisteredFunction>;
  hooks: Map<string, HookCallback[]>;
  programmingModel: ProgrammingModel | undefined;
}

export function newRegistrations(): Registrations {
  return { functions: new Map(), hooks: new Map(), programmingModel: undefined };
}

class Disposable {
  readonly #onDispose: () => void;
  constructor(onDispose: () => void) {
    this.#onDispose = onDispose;
  }
  dispose(): void {
    this.#onDispose();
  }
}

let target: Registrations | undefined;
let programmingModel: ProgrammingModel | undefined;
type LogSink = (level: LogLevel, category: string, message: string) => void;
let logSink: LogSink = () => undefined;

const coreApi = {
  version: '3.10.1',
  hostVersion: '4.1040.0',
  Disposable,
  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
    const registrations = requireTarget();
    if (registrations.functions.has(metadata.name)) {
      throw new Error(`A function named "${metadata.name}" is already registered.`);
    }
    registrations.functions.set(metadata.name, { metadata, callback });
    return new Disposable(() => registrations.functions.delete(metadata.name));
  },
  registerHook(hookName: string, callback: HookCallback): Disposable {
    const registrations = requireTarget();
    const list = registrations.hooks.get(hookName) ?? [];
    list.push(callback);
    registrations.hooks.set(hookName, list);
    return new Disposable(() => list.splice(list.indexOf(callback), 1));
  },
  setProgrammingModel(model: ProgrammingModel): void {
    programmingModel = model;
    if (target) target.programmingModel = model;
  },
  getProgrammingModel(): ProgrammingModel | undefined {
    return programmingModel;
  },
  log(level: LogLevel, category: string, message: string): void {
    logSink(level, category, message);
  },
};

function requireTarget(): Registrations {
  if (!target) throw new Error('An app registered a function outside of loadApp(); the local host cannot capture it.');
  return target;
}

let installed = false;

/** Makes `require('@azure/functions-core')` resolve to this host, in every copy of @azure/functions. */
export function installCoreModule(): void {
  if (installed) return;
  installed = true;
  const proto = Module.prototype as unknown as { require: (id: string) => unknown };
  const originalRequire = proto.require;
  proto.require = function (this: unknown, id: string) {
    if (id === '@azure/functions-core') return coreApi;
    return originalRequire.call(this, id);
  };
}

/** Routes registrations made while `load` runs into `registrations`. */
export async function captureRegistrations(registrations: Registrations, load: () => Promise<void>): Promise<void> {
  installCoreModule();
  target = registrations;
  if (programmingModel) registrations.programmingModel = programmingModel;
  try {
    await load();
  } finally {
    target = undefined;
  }
}

/** Where the library's system and user log lines go (the host's logger). */
export function setCoreLogSink(sink: LogSink): void {
  logSink = sink;
}
