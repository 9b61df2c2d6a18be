/**
 * Rewrites the help blocks of docs/cli.md from the live option tables, so the documentation
 * cannot drift from the CLI (a test checks it): `npx tsx engine/cli/update-docs.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MemoryStream } from './cli-io.js';
import { main } from './main.js';

async function helpOf(args: string[]): Promise<string> {
  const stdout = new MemoryStream();
  await main(args, { stdout, stderr: new MemoryStream(), cwd: process.cwd(), env: {}, now: () => 0 });
  return stdout.text.trimEnd();
}

export async function updateCliDocs(path: string): Promise<boolean> {
  const before = readFileSync(path, 'utf8');
  let after = before;
  const blocks: [RegExp, string[]][] = [
    [/```text\nbackprop-lens \S+: train small[\s\S]*?\n```/, ['--help']],
    ...['train', 'grad', 'gradcheck', 'compare', 'info', 'convert', 'session', 'serve'].map((c): [RegExp, string[]] => [
      new RegExp(`\`\`\`text\\nUsage: backprop-lens ${c} [\\s\\S]*?\\n\`\`\``),
      [c, '--help'],
    ]),
  ];
  for (const [pattern, args] of blocks) {
    const text = await helpOf(args);
    after = after.replace(pattern, () => `\`\`\`text\n${text}\n\`\`\``);
  }
  if (after !== before) writeFileSync(path, after);
  return after !== before;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = fileURLToPath(new URL('../../docs/cli.md', import.meta.url));
  void updateCliDocs(path).then((changed) => console.log(changed ? `updated ${path}` : `${path} is up to date`));
}
