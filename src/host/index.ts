// startHost: the local Functions host in one call. It applies the app settings, loads the unmodified app
// (capturing every registration), starts the durable engine and mounts its HTTP API, serves the HTTP
// triggers, starts the timer triggers, and listens. close() undoes all of it and frees the port.
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { RealClock, type Clock } from './clock.js';
import { setCoreLogSink, type Registrations } from './coreModule.js';
import { DurableRuntime } from './durable/index.js';
import { HttpTriggers, type HttpFunctionRoute } from './http/httpTriggers.js';
import { unservedInputTypes, type ExtraInputProviders } from './http/invocation.js';
import { resolveKeys, type HostKeys } from './http/keys.js';
import { listen, type HostServer, type Mount } from './http/server.js';
import { loadApp, type HostJson } from './loadApp.js';
import { fromWorkerLevel, HostLogger } from './log.js';
import { applySettings, readSettings, resolveSettingReferences, type AppliedSettings } from './settings.js';
import { TimerTriggers } from './timers.js';

export { HostLogger } from './log.js';
export { RealClock, VirtualClock, type Clock } from './clock.js';
export type { Mount } from './http/server.js';

export const defaultPort = 7071;
export const defaultHubName = 'SoarHub';
export const hubNameSetting = 'DURABLE_TASK_HUB_NAME';
/** The app's public URL setting (approval and run links); the host sets it to its own URL when it is empty. */
export const publicBaseUrlSetting = 'PUBLIC_BASE_URL';

export interface StartHostOptions {
  /** The app folder: package.json (its `main` names the built entry), host.json, local.settings.json. */
  appDir: string;
  /** Overrides package.json `main` (a file or glob, relative to appDir, or absolute). */
  main?: string;
  /** Default: Host.LocalHttpPort from local.settings.json, else 7071. 0 picks a free port. */
  port?: number;
  /** Settings applied over local.settings.json; they also win over variables already in the environment. */
  settings?: Record<string, string>;
  /** false: ignore the app folder's local.settings.json (tests that must not see a developer's file). */
  readLocalSettings?: boolean;
  clock?: Clock;
  /** SQLite file of the durable store; ':memory:' (the default) keeps nothing. */
  storePath?: string;
  logger?: HostLogger;
  activityConcurrency?: number;
  /** Where generated keys are kept across restarts (npm start: .soar/host-keys.json). Default: not kept. */
  keysFile?: string;
  /** Extra path handlers (pages, tools), tried after the durable HTTP API and before the app's routes. */
  mounts?: Mount[];
}

export interface HttpFunctionInfo {
  name: string;
  methods: string[] | undefined;
  authLevel: string;
  /** Absolute URL of the route template, e.g. http://127.0.0.1:7071/api/items/{id:int}. */
  url: string;
}

export interface LocalHost {
  url: string;
  port: number;
  functionKey: string;
  masterKey: string;
  keys: HostKeys;
  registrations: Registrations;
  hostJson: HostJson;
  hubName: string;
  logger: HostLogger;
  durable: DurableRuntime;
  httpFunctions: HttpFunctionInfo[];
  /** The local.settings.json that was read, if any. */
  settingsFile: string | undefined;
  close(): Promise<void>;
}

/** Supported trigger types; any other trigger is reported at start and never fires locally. */
const runnableTriggers = new Set(['httpTrigger', 'timerTrigger', 'orchestrationTrigger', 'activityTrigger']);

export async function startHost(options: StartHostOptions): Promise<LocalHost> {
  const appDir = path.resolve(options.appDir);
  const logger = options.logger ?? new HostLogger();
  const overrides = options.settings ?? {};
  const settings =
    options.readLocalSettings === false
      ? { local: {}, overrides: { ...overrides }, localHttpPort: undefined, file: undefined }
      : await readSettings(appDir, overrides);
  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (err) {
        logger.error(`Stopping the host: ${(err as Error).message}`);
      }
    }
  };

  try {
    const applied: AppliedSettings = applySettings(settings);
    cleanups.push(() => applied.restore());
    logger.redactor.addSecretSettings(process.env);
    for (const name of applied.skipped) {
      logger.warn(`Skipping '${name}' from local settings as it is already defined in the environment.`);
    }
    const keys = await resolveKeys(process.env, options.keysFile);
    logger.redactor.addValues([keys.functionKey, keys.masterKey]);

    setCoreLogSink((level, category, message) => {
      const hostLevel = fromWorkerLevel(level);
      if (hostLevel) logger.write(hostLevel, `${category === 'system' ? 'Worker' : 'App'}: ${message}`);
    });
    cleanups.push(() => setCoreLogSink(() => undefined));

    const loaded = await loadApp(appDir, options.main === undefined ? {} : { main: options.main });
    const { registrations, hostJson } = loaded;
    // As the worker does: appStart hooks run before any invocation, appTerminate ones on shutdown, sharing hookData.
    const appHookData: Record<string, unknown> = {};
    await runAppHooks(registrations, 'appStart', appHookData);
    cleanups.push(() => runAppHooks(registrations, 'appTerminate', appHookData));
    const routePrefix = hostJson.extensions?.http?.routePrefix ?? 'api';
    const hubName = resolveSettingReferences(hostJson.extensions?.durableTask?.hubName ?? defaultHubName, {
      [hubNameSetting]: defaultHubName,
      ...process.env,
    });
    const clock = options.clock ?? new RealClock();

    let baseUrl = '';
    const durable = new DurableRuntime({
      registrations,
      hubName,
      storePath: options.storePath ?? ':memory:',
      clock,
      logger,
      ...(options.activityConcurrency === undefined ? {} : { activityConcurrency: options.activityConcurrency }),
      baseUrl: () => baseUrl,
      functionKey: keys.functionKey,
    });
    const extraInputs: ExtraInputProviders = { durableClient: () => durable.clientBindingData() };
    reportUnsupported(registrations, extraInputs, logger);

    const triggers = new HttpTriggers({ registrations, logger, extraInputs, routePrefix, keys });
    const timers = new TimerTriggers({ registrations, clock, logger, extraInputs });
    const handle = (req: IncomingMessage, res: ServerResponse, subPath: string) => durable.handleHttp(req, res, subPath);
    const mounts: Mount[] = [
      { prefix: '/runtime/webhooks/durabletask/', handle },
      { prefix: '/durabletask/', handle },
      ...(options.mounts ?? []),
    ];

    // Shutdown runs in reverse: timers, then the server (no new requests), then the durable engine.
    cleanups.push(() => durable.stop());
    const port = options.port ?? settings.localHttpPort ?? defaultPort;
    const server: HostServer = await listen({ mounts, triggers, logger }, port);
    cleanups.push(() => server.close());
    baseUrl = `http://127.0.0.1:${server.port}`;
    // Set only when empty, and put back on close:
    // - as Core Tools does: without WEBSITE_HOSTNAME, durable-functions rewrites every management URL to :7071;
    // - the app's approval and run links (PUBLIC_BASE_URL) point at this host, so they follow --port (the app's
    //   own fallback is http://localhost:7071).
    for (const [name, value] of [
      ['WEBSITE_HOSTNAME', `127.0.0.1:${server.port}`],
      [publicBaseUrlSetting, baseUrl],
    ] as const) {
      const previous = process.env[name];
      if (previous) continue;
      process.env[name] = value;
      cleanups.push(() => {
        if (previous === undefined) delete process.env[name];
        else process.env[name] = previous;
      });
    }

    await durable.start();
    timers.start();
    cleanups.push(() => timers.stop());

    const httpFunctions = triggers.routes.map((r: HttpFunctionRoute) => ({
      name: r.functionName,
      methods: r.methods,
      authLevel: r.authLevel,
      url: baseUrl + triggers.pathOf(r),
    }));
    logger.info(`Host started: ${registrations.functions.size} functions, listening on ${baseUrl}`);
    return {
      url: baseUrl,
      port: server.port,
      functionKey: keys.functionKey,
      masterKey: keys.masterKey,
      keys,
      registrations,
      hostJson,
      hubName,
      logger,
      durable,
      httpFunctions,
      settingsFile: settings.file,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

async function runAppHooks(registrations: Registrations, name: 'appStart' | 'appTerminate', hookData: Record<string, unknown>): Promise<void> {
  for (const hook of registrations.hooks.get(name) ?? []) await hook({ hookData });
}

function reportUnsupported(registrations: Registrations, providers: ExtraInputProviders, logger: HostLogger): void {
  for (const [name, fn] of registrations.functions) {
    const trigger = Object.values(fn.metadata.bindings).find((b) => b.type?.toLowerCase().endsWith('trigger'));
    if (trigger?.type && !runnableTriggers.has(trigger.type)) {
      logger.warn(`Function '${name}' has a ${trigger.type}, which the local host does not run.`);
    }
    for (const type of unservedInputTypes(fn, providers)) {
      logger.warn(`Function '${name}' has a ${type} input, which the local host does not provide.`);
    }
  }
}
