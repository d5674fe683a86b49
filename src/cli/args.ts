// Command-line parsing for `soar`: positionals plus `--flag`, `--flag value` and `--flag=value`.

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface FlagSpec {
  /** Flags that take a value; every other declared flag is a switch. */
  values: readonly string[];
  switches: readonly string[];
}

export interface ParsedArgs {
  positionals: string[];
  values: Map<string, string>;
  switches: Set<string>;
}

/** Flags every command accepts. */
export const globalFlags: FlagSpec = { values: ['url', 'key'], switches: ['json', 'help'] };

export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const values = new Set([...spec.values, ...globalFlags.values]);
  const switches = new Set([...spec.switches, ...globalFlags.switches]);
  const parsed: ParsedArgs = { positionals: [], values: new Map(), switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      parsed.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      parsed.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (values.has(name)) {
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value.`);
      parsed.values.set(name, value);
    } else if (switches.has(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value.`);
      parsed.switches.add(name);
    } else {
      throw new UsageError(`Unknown option --${name}.`);
    }
  }
  return parsed;
}

/** Exactly `count` positionals, named in `names` for the error message. */
export function positionals(args: ParsedArgs, names: readonly string[]): string[] {
  if (args.positionals.length !== names.length) {
    throw new UsageError(names.length === 0 ? 'This command takes no arguments.' : `Expected ${names.map((n) => `<${n}>`).join(' ')}.`);
  }
  return args.positionals;
}
