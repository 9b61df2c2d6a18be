/** Help text, generated from the same option tables the parser uses. */
import type { CommandSpec, OptionSpec } from './args.js';
import { HELP_OPTION } from './args.js';

const WIDTH = 100;

function wrap(text: string, indent: number, width = WIDTH): string {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line !== '' && indent + line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line === '' ? w : `${line} ${w}`;
  }
  if (line !== '') lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

function optionLabel(o: OptionSpec): string {
  const short = o.short ? `-${o.short}, ` : '    ';
  return `${short}--${o.name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
}

export function commandHelp(spec: CommandSpec): string {
  const out: string[] = [];
  out.push(`Usage: backprop-lens ${spec.name} ${spec.usage}`, '', wrap(spec.summary, 0), '');
  if (spec.positionals && spec.positionals.length > 0) {
    out.push('Arguments:');
    const w = Math.max(...spec.positionals.map(([n]) => n.length)) + 4;
    for (const [name, desc] of spec.positionals) out.push(`  ${name.padEnd(w)}${wrap(desc, w + 2)}`);
    out.push('');
  }
  const options = [...spec.options, HELP_OPTION];
  const labels = options.map(optionLabel);
  const col = Math.min(Math.max(...labels.map((l) => l.length)) + 4, 34);
  out.push('Options:');
  options.forEach((o, i) => {
    const label = labels[i]!;
    let desc = o.description;
    if (o.required) desc += ' (required)';
    if (o.defaultText) desc += ` (default: ${o.defaultText})`;
    const head = `  ${label}`;
    if (head.length + 2 > col + 2) out.push(head, `${' '.repeat(col + 2)}${wrap(desc, col + 2)}`);
    else out.push(`${head.padEnd(col + 2)}${wrap(desc, col + 2)}`);
  });
  for (const note of spec.notes ?? []) out.push('', wrap(note, 0));
  if (spec.examples.length > 0) {
    out.push('', 'Examples:');
    for (const [cmd, what] of spec.examples) out.push(`  # ${what}`, `  ${cmd}`);
  }
  return `${out.join('\n')}\n`;
}

export function globalHelp(commands: readonly CommandSpec[], version: string): string {
  const w = Math.max(...commands.map((c) => c.name.length)) + 4;
  return [
    `backprop-lens ${version}: train small dense networks and inspect their backpropagation from the command line.`,
    '',
    'Usage: backprop-lens <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(w)}${wrap(c.brief, w + 2)}`),
    '',
    'Global options:',
    '  -h, --help       Show help (also: backprop-lens <command> --help, backprop-lens help <command>).',
    '  -V, --version    Print the version and exit.',
    '      --debug      Show stack traces for errors.',
    '',
    'Exit codes: 0 success, 1 the command failed (bad file, failed gradient check), 2 bad command line.',
    'File formats: docs/formats.md. Every command: docs/cli.md.',
    '',
  ].join('\n');
}
