#!/usr/bin/env node
// The `soar` command. Exit codes: 0 ok, 1 failure, 2 usage error.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs, UsageError, type FlagSpec, type ParsedArgs } from './args.js';
import { ApiError } from './client.js';
import { processIo, type Io } from './output.js';
import {
  cancelCommand, decideCommand, exportCommand, playbooksCommand, remoteFlags, runCommand, runsCommand, showCommand,
} from './commands/remote.js';
import { localCommands } from './commands/local.js';
import { newCommandSpec } from './commands/new.js';
import { replayCommandSpec } from './commands/replay.js';

interface Command {
  flags: FlagSpec;
  usage: string;
  run(args: ParsedArgs, io: Io): Promise<number>;
}

const commands: Record<string, Command> = {
  playbooks: { flags: remoteFlags.playbooks, usage: 'playbooks                      list the playbooks the app runs', run: playbooksCommand },
  run: {
    flags: remoteFlags.run,
    usage: 'run <playbook> --incident <ARM id|number|file> [--dry-run] [--wait] [--force]\n                                 start a playbook on an incident (a dry run waits and prints the plan)',
    run: runCommand,
  },
  runs: { flags: remoteFlags.runs, usage: 'runs [--incident x] [--status s] [--playbook p] [--from t] [--to t] [--all]', run: runsCommand },
  show: { flags: remoteFlags.show, usage: 'show <run>                     a run and its step timeline', run: showCommand },
  cancel: { flags: remoteFlags.cancel, usage: 'cancel <run> [--reason text]   terminate a run (comments on the incident)', run: cancelCommand },
  approve: { flags: remoteFlags.approve, usage: 'approve <run> [--approver e-mail]', run: (a, io) => decideCommand('approve', a, io) },
  reject: { flags: remoteFlags.reject, usage: 'reject <run> [--approver e-mail]', run: (a, io) => decideCommand('reject', a, io) },
  export: { flags: remoteFlags.export, usage: 'export <run> [--out file]      write the run\'s durable history as JSON', run: exportCommand },
  new: newCommandSpec,
  replay: replayCommandSpec,
  ...localCommands,
};

function help(): string {
  return [
    'Usage: soar <command> [options]',
    '',
    ...Object.values(commands).map((c) => `  soar ${c.usage}`),
    '',
    'Options for every command: --json (machine-readable output), --url <app URL> (or SOAR_URL, default',
    'http://localhost:7071), --key <function key> (or SOAR_KEY), --help.',
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
      io.out(`Usage: soar ${command.usage}`);
      return 0;
    }
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`soar ${name}: ${err.message}\nUsage: soar ${command.usage}`);
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
  process.exitCode = await main(process.argv.slice(2));
}
