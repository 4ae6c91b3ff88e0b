/**
 * The command line of every verb: node's parseArgs behind nas's rules for bad input, so each verb
 * says the same thing about the same mistake. `--help`/`-h` anywhere prints the usage; an unknown
 * option, a missing or empty value, an option given twice, a value for a flag and stray
 * positional arguments are one UserError line naming the option. A negative number after an
 * option is its value (`--seed -3`), so the option's own check can say what is wrong with it.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../core/errors.js';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

type Values<T extends OptionSpec> = ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: true }>>['values'];

export interface ParsedCommand<T extends OptionSpec> {
  values: Values<T>;
  positionals: string[];
}

export interface CommandSpec<T extends OptionSpec> {
  /** "nas search": the start of every message about its arguments. */
  verb: string;
  usage: string;
  options: T;
  /** How many positional arguments the verb takes (default none), and what they are called in messages. */
  positionals?: { max: number; name: string };
}

/** Parses argv; undefined when --help was given (the usage is printed). */
export function parseCommand<T extends OptionSpec>(argv: string[], spec: CommandSpec<T>): ParsedCommand<T> | undefined {
  const end = argv.indexOf('--');
  const head = end < 0 ? argv : argv.slice(0, end);
  if (head.includes('--help') || head.includes('-h')) {
    console.log(spec.usage);
    return undefined;
  }
  const args = checkTokens(argv, spec);
  const { values, positionals } = parseArgs({ args, options: spec.options, strict: true, allowPositionals: true });
  const max = spec.positionals?.max ?? 0;
  if (positionals.length > max) {
    const extra = positionals.slice(max);
    const takes = max === 0 ? 'takes no positional arguments' : `takes at most ${max} (${spec.positionals!.name})`;
    throw new UserError(`unexpected argument "${extra[0]}": ${spec.verb} ${takes} (${spec.verb} --help lists its options)`);
  }
  return { values: values as Values<T>, positionals };
}

/** A value that starts with a single dash (-3, -0.5, -foo) belongs to the option before it. */
const looksLikeValue = (arg: string) => /^-[^-]/.test(arg) && arg !== '-h';

/**
 * Checks every option token against the spec and returns argv with `--opt -1` joined into
 * `--opt=-1` (parseArgs calls a dash-led value ambiguous).
 */
function checkTokens<T extends OptionSpec>(argv: string[], spec: CommandSpec<T>): string[] {
  const out: string[] = [];
  const positionals: string[] = [];
  const seen = new Set<string>();
  const help = `${spec.verb} --help lists its options`;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-' || /^-[\d.]/.test(arg)) {
      // A negative number standing alone is a positional argument (a run id, to be refused by its check).
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) throw new UserError(`unknown option "${arg}" for ${spec.verb} (${help})`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const option = Object.hasOwn(spec.options, name) ? spec.options[name] : undefined;
    if (!option) throw new UserError(`unknown option "--${name}" for ${spec.verb} (${help})`);
    if (seen.has(name) && !option.multiple) throw new UserError(`--${name} is given twice; give it once`);
    seen.add(name);
    if (option.type === 'boolean') {
      if (eq >= 0) throw new UserError(`--${name} is a switch and takes no value, got "${arg.slice(eq + 1)}"`);
      out.push(arg);
      continue;
    }
    let value: string | undefined = eq >= 0 ? arg.slice(eq + 1) : argv[i + 1];
    if (eq < 0) {
      if (value === undefined || (value.startsWith('-') && !looksLikeValue(value))) throw new UserError(`--${name} needs a value`);
      i++;
    }
    if (value.trim() === '') throw new UserError(`--${name} needs a value, got an empty string`);
    out.push(`--${name}=${value}`);
  }
  return [...out, '--', ...positionals];
}
