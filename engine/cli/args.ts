/**
 * Command-line parsing on node:util parseArgs (strict), driven by one option table per command
 * so that parsing and --help can never disagree. Value checks turn text into numbers with a
 * message that names the flag and what it needs.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export interface OptionSpec {
  readonly name: string;
  readonly short?: string;
  readonly type: 'string' | 'boolean';
  /** Placeholder in help, e.g. "FILE", "N". */
  readonly value?: string;
  readonly description: string;
  /** Shown in help as "(default: …)". */
  readonly defaultText?: string;
  readonly required?: boolean;
  /** May be given more than once (values collected in order). */
  readonly multiple?: boolean;
}

export interface CommandSpec {
  readonly name: string;
  /** One line for the global command list. */
  readonly brief: string;
  readonly summary: string;
  /** After the command name in the usage line, e.g. "DATASET [options]". */
  readonly usage: string;
  readonly options: readonly OptionSpec[];
  /** Positional arguments as [name, description]. */
  readonly positionals?: readonly (readonly [string, string])[];
  readonly maxPositionals: number;
  readonly examples: readonly (readonly [string, string])[];
  /** Extra paragraphs after the options. */
  readonly notes?: readonly string[];
}

export const HELP_OPTION: OptionSpec = {
  name: 'help',
  short: 'h',
  type: 'boolean',
  description: 'Show this help and exit.',
};

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const o of [...spec.options, HELP_OPTION]) {
    options[o.name] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(rewordParseError(e, spec), spec.name);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values['help'] === true) return { values, positionals: parsed.positionals };
  if (parsed.positionals.length > spec.maxPositionals) {
    const extra = parsed.positionals[spec.maxPositionals]!;
    throw new UsageError(
      spec.maxPositionals === 0
        ? `'${spec.name}' takes no arguments, got '${extra}'`
        : `unexpected argument '${extra}'`,
      spec.name,
    );
  }
  for (const o of spec.options) {
    if (o.required && values[o.name] === undefined)
      throw new UsageError(`missing --${o.name} ${o.value ?? ''}`.trimEnd(), spec.name);
    const v = values[o.name];
    for (const one of Array.isArray(v) ? v : [v]) {
      if (typeof one === 'string' && one.trim() === '')
        throw new UsageError(`--${o.name} needs a value, got an empty string`, spec.name);
    }
    // A repeated single-valued option is almost always a mistake in a script: say so.
    if (!o.multiple && o.type === 'string' && countFlag(argv, o) > 1)
      throw new UsageError(`--${o.name} is given more than once`, spec.name);
  }
  return { values, positionals: parsed.positionals };
}

function countFlag(argv: readonly string[], o: OptionSpec): number {
  let n = 0;
  for (const a of argv) {
    if (a === '--') break;
    if (
      a === `--${o.name}` ||
      a.startsWith(`--${o.name}=`) ||
      (o.short !== undefined && (a === `-${o.short}` || (a.startsWith(`-${o.short}`) && !a.startsWith('--'))))
    )
      n++;
  }
  return n;
}

/** parseArgs's messages mention internals ("strict: false"); say it the CLI's way. */
function rewordParseError(e: unknown, spec: CommandSpec): string {
  const code = (e as { code?: string }).code;
  const message = e instanceof Error ? e.message : String(e);
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const near = closest(
        flag.replace(/^-+/, ''),
        spec.options.map((o) => o.name),
      );
      return `unknown option '${flag}' for '${spec.name}'${near ? ` (did you mean --${near}?)` : ''}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = /--([\w-]+)/.exec(message)?.[1] ?? flag.replace(/^-+/, '');
      const opt = spec.options.find((o) => o.name === name || o.short === name);
      const shown = `--${opt?.name ?? name}`;
      if (opt?.type === 'boolean') return `${shown} does not take a value`;
      if (/ambiguous/.test(message)) return `${shown} needs a value; for one that starts with '-', write ${shown}=-…`;
      return `${shown} needs a value${opt?.value ? ` (${opt.value})` : ''}`;
    }
    default:
      return message;
  }
}

/** The option name within edit distance 2, for "did you mean". */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = prev[j]!;
      prev[j] = next;
    }
  }
  return prev[b.length]!;
}

// ---- value checks: each names the flag and says what it needs ----

export function str(values: ParsedArgs['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function list(values: ParsedArgs['values'], name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

export function flag(values: ParsedArgs['values'], name: string): boolean {
  return values[name] === true;
}

function toNumber(raw: string, name: string, command: string, what: string): number {
  // Number('') is 0 and Number('0x10') is 16: accept only plain decimal notation.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw.trim())) {
    throw new UsageError(`--${name} needs ${what}, got '${raw}'`, command);
  }
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new UsageError(`--${name} needs ${what}, got '${raw}'`, command);
  return v;
}

export function integerOption(
  raw: string,
  name: string,
  command: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const what = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`;
  const v = toNumber(raw, name, command, what);
  if (!Number.isInteger(v) || v < min) throw new UsageError(`--${name} needs ${what}, got '${raw}'`, command);
  if (v > max) throw new UsageError(`--${name} must be at most ${max}, got '${raw}'`, command);
  return v;
}

export function numberOption(
  raw: string,
  name: string,
  command: string,
  range: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean } = {},
): number {
  const parts: string[] = [];
  if (range.min !== undefined) parts.push(`${range.minExclusive ? '>' : '≥'} ${range.min}`);
  if (range.max !== undefined) parts.push(`${range.maxExclusive ? '<' : '≤'} ${range.max}`);
  const what = parts.length === 0 ? 'a number' : `a number ${parts.join(' and ')}`;
  const v = toNumber(raw, name, command, what);
  const low = range.min !== undefined && (range.minExclusive ? v <= range.min : v < range.min);
  const high = range.max !== undefined && (range.maxExclusive ? v >= range.max : v > range.max);
  if (low || high) throw new UsageError(`--${name} needs ${what}, got '${raw}'`, command);
  return v;
}

export function choiceOption<T extends string>(raw: string, name: string, command: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(raw)) {
    const near = closest(raw, choices);
    throw new UsageError(
      `--${name} must be one of ${choices.join(', ')}; got '${raw}'${near ? ` (did you mean ${near}?)` : ''}`,
      command,
    );
  }
  return raw as T;
}
