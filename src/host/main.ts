// `npm start`: starts the HTTPS sandbox (unless --no-sandbox), then the local Functions host with the app,
// and prints a banner like Core Tools does: each HTTP function's URL and methods, the other functions, where
// the durable store and the keys are. Ctrl-C (SIGINT) or SIGTERM stops both cleanly.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '../sandbox/index.js';
import { approvalSigningKeyFileName, approvalSigningKeySetting, localApprovalSigningKey } from './approvalKey.js';
import { publicBaseUrlSetting, startHost, type LocalHost } from './index.js';
import type { KeySource } from './http/keys.js';
import { functionKeySetting, masterKeySetting } from './http/keys.js';
import { HostLogger } from './log.js';
import { readSettings } from './settings.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const usage = `Usage: npm start -- [options]
  --port <n>      HTTP port (default: Host.LocalHttpPort in local.settings.json, else 7071)
  --app <dir>     the Function app folder (default: ${repoRoot})
  --store <file>  SQLite file of the durable store (default: <app>/.soar/host.sqlite)
  --world <file>  seed the sandbox from this world file (the slices it names replace the default ones)
  --no-sandbox    do not start the sandbox; the app uses the settings in local.settings.json
  --verbose       debug lines too (each sandbox request, library messages)
  --help          this text`;

interface Cli {
  port: number | undefined;
  appDir: string;
  storePath: string;
  sandbox: boolean;
  /** A sandbox world file: its slices replace the default seed world's. */
  world: string | undefined;
  verbose: boolean;
}

function parseCli(argv: string[]): Cli | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      app: { type: 'string' },
      store: { type: 'string' },
      world: { type: 'string' },
      'no-sandbox': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return undefined;
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) throw new Error(`--port must be an integer from 0 to 65535, got "${values.port}".`);
  }
  const appDir = path.resolve(values.app ?? repoRoot);
  if (values.world !== undefined && values['no-sandbox']) throw new Error('--world seeds the sandbox: it cannot go with --no-sandbox.');
  return {
    port,
    appDir,
    storePath: path.resolve(values.store ?? path.join(appDir, '.soar', 'host.sqlite')),
    sandbox: !values['no-sandbox'],
    world: values.world === undefined ? undefined : path.resolve(values.world),
    verbose: values.verbose,
  };
}

function describeKey(source: KeySource, appDir: string): string {
  switch (source.kind) {
    case 'setting':
      return `from the setting ${source.setting}`;
    case 'file':
      return `generated, kept in ${path.relative(appDir, source.file) || source.file}`;
    case 'generated':
      return 'generated for this run';
  }
}

/** Where the approval signing key comes from: a setting, the key npm start keeps for the sandbox, or nowhere. */
type ApprovalKeySource = KeySource | { kind: 'unset' };

function describeApprovalKey(source: ApprovalKeySource, appDir: string): string {
  return source.kind === 'unset' ? 'not set: approval links answer 503' : describeKey(source, appDir);
}

/**
 * With the sandbox, approvals must work without a local.settings.json: when neither the environment nor
 * local.settings.json sets APPROVAL_SIGNING_KEY, the key kept in .soar/ (generated on the first start) is used.
 */
async function approvalSigningKey(cli: Cli, soarDir: string): Promise<{ source: ApprovalKeySource; key?: string }> {
  const configured = process.env[approvalSigningKeySetting] || (await readSettings(cli.appDir)).local[approvalSigningKeySetting];
  if (configured) return { source: { kind: 'setting', setting: approvalSigningKeySetting } };
  if (!cli.sandbox) return { source: { kind: 'unset' } };
  const file = path.join(soarDir, approvalSigningKeyFileName);
  return { source: { kind: 'file', file }, key: await localApprovalSigningKey(file) };
}

function banner(host: LocalHost, cli: Cli, sandbox: Sandbox | undefined, approvalKey: ApprovalKeySource): string {
  const lines: string[] = ['', 'Functions:', ''];
  const http = new Set(host.httpFunctions.map((f) => f.name));
  for (const f of [...host.httpFunctions].sort((a, b) => a.name.localeCompare(b.name))) {
    const methods = f.methods ? f.methods.join(',') : 'ALL';
    lines.push(`        ${f.name}: [${methods}] ${f.url}${f.authLevel === 'anonymous' ? '' : `  (authLevel ${f.authLevel})`}`);
  }
  for (const [name, fn] of [...host.registrations.functions].sort(([a], [b]) => a.localeCompare(b))) {
    if (http.has(name)) continue;
    const trigger = Object.values(fn.metadata.bindings).find((b) => b.type?.toLowerCase().endsWith('trigger'));
    lines.push(`        ${name}: ${trigger?.type ?? 'no trigger'}`);
  }
  if (host.registrations.functions.size === 0) lines.push('        (the app registers no functions)');
  lines.push(
    '',
    `Durable store: ${cli.storePath} (task hub ${host.hubName})`,
    `Durable HTTP API: ${host.url}/runtime/webhooks/durabletask/`,
    `Settings: ${host.settingsFile ?? 'no local.settings.json (copy local.settings.sample.json)'}`,
    `Function key (${functionKeySetting}): ${describeKey(host.keys.functionKeySource, cli.appDir)}`,
    `Master key (${masterKeySetting}): ${describeKey(host.keys.masterKeySource, cli.appDir)}`,
    `Approval signing key (${approvalSigningKeySetting}): ${describeApprovalKey(approvalKey, cli.appDir)}`,
    `Approval and run links (${publicBaseUrlSetting}): ${process.env[publicBaseUrlSetting] ?? ''}`,
    sandbox ? `Sandbox: ${sandbox.url} (its settings override local.settings.json; --no-sandbox to turn it off)` : 'Sandbox: off',
    ...(sandbox ? [`Sandbox world: ${cli.world ? `${cli.world} over the default seed world` : 'the default seed world'}`] : []),
    '',
    'Press Ctrl+C to stop.',
    '',
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  let cli: Cli | undefined;
  try {
    cli = parseCli(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${usage}\n`);
    process.exitCode = 2;
    return;
  }
  if (!cli) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const logger = new HostLogger({ level: cli.verbose ? 'debug' : 'info' });
  const soarDir = path.join(cli.appDir, '.soar');
  await mkdir(path.dirname(cli.storePath), { recursive: true });
  await mkdir(soarDir, { recursive: true });

  let sandbox: Sandbox | undefined;
  let host: LocalHost | undefined;
  const stop = async (): Promise<void> => {
    await host?.close();
    await sandbox?.close();
  };
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting without waiting.\n`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal} received: stopping the host.`);
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error(`Stopping failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    if (cli.sandbox) {
      // Loaded only when wanted: its TLS and emulator modules are the slow part of starting.
      const { startSandbox } = await import('../sandbox/index.js');
      sandbox = await startSandbox({
        caFile: path.join(soarDir, 'sandbox-ca.pem'),
        ...(cli.world ? { world: cli.world } : {}),
        log: (line) => logger.debug(`Sandbox: ${line}`),
      });
      logger.redactor.addSecretSettings(sandbox.appSettings);
    }
    const approvalKey = await approvalSigningKey(cli, soarDir);
    if (approvalKey.key) logger.redactor.addValues([approvalKey.key]);
    const settings = { ...sandbox?.appSettings, ...(approvalKey.key ? { [approvalSigningKeySetting]: approvalKey.key } : {}) };
    host = await startHost({
      appDir: cli.appDir,
      storePath: cli.storePath,
      keysFile: path.join(soarDir, 'host-keys.json'),
      logger,
      ...(cli.port === undefined ? {} : { port: cli.port }),
      settings,
    });
    process.stdout.write(banner(host, cli, sandbox, approvalKey.source) + '\n');
  } catch (err) {
    logger.error(`The host did not start: ${(err as Error).message}`);
    await stop().catch(() => undefined);
    process.exitCode = 1;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

await main();
