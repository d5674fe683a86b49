#!/usr/bin/env node
// The `soar` command. Exit codes: 0 ok, 1 failure, 2 usage error.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs, UsageError, type FlagSpec, type ParsedArgs } from './args.js';
import { ApiError } from './client.js';
import { processIo, type Io } from './output.js';

interface Command {
  /** Flags that take a value, and switches. */
  flags: FlagSpec;
  /** `<synopsis>` and a one-line description. */
  usage: [string, string];
  /** Loaded on use, so `soar runs` does not load the TypeScript compiler that `soar validate` needs. */
  run(args: ParsedArgs, io: Io): Promise<number>;
}

const remote = (): Promise<typeof import('./commands/remote.js')> => import('./commands/remote.js');
const local = (): Promise<typeof import('./commands/local.js')> => import('./commands/local.js');
const flags = (values: string[], switches: string[] = []): FlagSpec => ({ values, switches });

const commands: Record<string, Command> = {
  playbooks: { flags: flags([]), usage: ['playbooks', 'list the playbooks the app runs'], run: async (a, io) => (await remote()).playbooksCommand(a, io) },
  run: {
    flags: flags(['incident', 'poll-ms', 'timeout-ms'], ['dry-run', 'wait', 'force']),
    usage: ['run <playbook> --incident <ARM id|number|file> [--dry-run] [--wait] [--force]', 'start a playbook on an incident; --wait follows its steps, a dry run waits and prints the plan'],
    run: async (a, io) => (await remote()).runCommand(a, io),
  },
  runs: {
    flags: flags(['incident', 'status', 'playbook', 'from', 'to', 'top', 'continuation-token'], ['all']),
    usage: ['runs [--incident x] [--status s] [--playbook p] [--from t] [--to t] [--top n] [--all]', 'list runs, newest first'],
    run: async (a, io) => (await remote()).runsCommand(a, io),
  },
  show: { flags: flags([]), usage: ['show <run>', 'a run and its step timeline'], run: async (a, io) => (await remote()).showCommand(a, io) },
  cancel: { flags: flags(['reason']), usage: ['cancel <run> [--reason text]', 'terminate a run and comment the reason on its incident'], run: async (a, io) => (await remote()).cancelCommand(a, io) },
  approve: { flags: flags(['approver']), usage: ['approve <run> [--approver e-mail]', "answer the run's pending approval"], run: async (a, io) => (await remote()).decideCommand('approve', a, io) },
  reject: { flags: flags(['approver']), usage: ['reject <run> [--approver e-mail]', "reject the run's pending approval"], run: async (a, io) => (await remote()).decideCommand('reject', a, io) },
  export: { flags: flags(['out']), usage: ['export <run> [--out file]', "write the run's durable history as JSON"], run: async (a, io) => (await remote()).exportCommand(a, io) },
  replay: {
    flags: flags(['app', 'main']),
    usage: ['replay <file> [--app dir]', 'replay an exported run against the current code (fails naming the diverging step)'],
    run: async (a, io) => (await import('./commands/replay.js')).replayCommand(a, io),
  },
  new: { flags: flags(['app']), usage: ['new <name> [--app dir]', 'scaffold a playbook and its test, listed in the catalogue'], run: async (a, io) => (await import('./commands/new.js')).newCommand(a, io) },
  validate: {
    flags: flags(['app']),
    usage: ['validate [--app dir]', 'load every playbook: unique names, triggers, settings, determinism lint'],
    run: async (a, io) => (await local()).validateCommand(a, io),
  },
  doctor: {
    flags: flags(['app']),
    usage: ['doctor [--app dir]', "the permissions the built playbooks need (disabled ones too); local settings, their endpoints, and that the app answers"],
    run: async (a, io) => (await local()).doctorCommand(a, io),
  },
};

function help(): string {
  return [
    'Usage: soar <command> [options]',
    '',
    ...Object.values(commands).map((c) => `  soar ${c.usage[0]}\n      ${c.usage[1]}`),
    '',
    'Options for every command: --json (machine-readable output), --url <app URL> (or SOAR_URL, default',
    'http://localhost:7071), --key <function key> (or SOAR_KEY; for a local host, the function key in the',
    'nearest .soar/host-keys.json from the current folder up), --help.',
    'Exit codes: 0 ok, 1 failure, 2 usage error.',
  ].join('\n');
}

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === 'help') {
    io.out(help());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    io.err(`soar: unknown command '${name}'.\n\n${help()}`);
    return 2;
  }
  try {
    const args = parseArgs(rest, command.flags);
    if (args.switches.has('help')) {
      io.out(`Usage: soar ${command.usage[0]}\n  ${command.usage[1]}`);
      return 0;
    }
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`soar ${name}: ${err.message}\nUsage: soar ${command.usage[0]}`);
      return 2;
    }
    const message = err instanceof ApiError ? err.message : (err as Error).message;
    if (rest.includes('--json')) io.out(JSON.stringify({ error: { message, ...(err instanceof ApiError ? { status: err.status, body: err.body } : {}) } }));
    io.err(`soar ${name}: ${message}`);
    return 1;
  }
}

// Run when executed (also through the package's bin symlink), not when a test imports main().
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  // `soar runs | head`: the reader closing the pipe early is not a failure of the command.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
  process.exitCode = await main(process.argv.slice(2));
}
