// soar replay <file>: the exported run against the current playbook code (see ../replay.ts).
import path from 'node:path';
import { positionals, type ParsedArgs } from '../args.js';
import type { Io } from '../output.js';
import { replayFile } from '../replay.js';

export async function replayCommand(args: ParsedArgs, io: Io): Promise<number> {
  const [file] = positionals(args, ['file']);
  const main = args.values.get('main');
  const report = await replayFile(path.resolve(io.cwd, file as string), {
    appDir: path.resolve(io.cwd, args.values.get('app') ?? '.'),
    ...(main ? { main } : {}),
  });
  if (args.switches.has('json')) io.out(JSON.stringify(report, null, 2));
  else if (report.ok) io.out(`✓ ${report.instanceId} (${report.orchestration}) replays against the current code (${report.events} events).`);
  else io.out(`✗ ${report.instanceId} (${report.orchestration}) does not replay: ${report.message}`);
  return report.ok ? 0 : 1;
}
