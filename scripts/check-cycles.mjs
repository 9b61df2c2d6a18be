#!/usr/bin/env node
// No import cycles: walks the relative imports (value and type imports alike, static and
// dynamic, .ts and the <script> of .vue files) of engine/, renderer/, electron/ and bench/, and
// prints every cycle it finds (one per strongly connected group of files). Exits 1 if any.
// Usage: node scripts/check-cycles.mjs [folders...]
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const folders = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['engine', 'renderer', 'electron', 'bench'];

function sources(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : sources(p);
    return /\.(ts|mts|vue)$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The file a relative specifier names: './x.js' is ./x.ts (TypeScript's ESM convention), or ./x/index.ts. */
function resolveSpec(from, spec) {
  const base = resolve(dirname(from), spec);
  const candidates = [base, base.replace(/\.(m?)js$/, '.$1ts'), `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? null;
}

const IMPORT = /(?:^|[^\w$.])(?:import|export)\s*(?:type\s+)?(?:[\w$*{}\s,]+\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

const graph = new Map();
for (const file of folders.flatMap((f) => sources(resolve(root, f)))) {
  const text = readFileSync(file, 'utf8');
  const deps = new Set();
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    if (!spec || !spec.startsWith('.')) continue;
    const target = resolveSpec(file, spec);
    if (target) deps.add(target);
  }
  graph.set(file, [...deps]);
}

// Tarjan's strongly connected components, iterative (deep import chains would overflow recursion).
let index = 0;
const idx = new Map();
const low = new Map();
const onStack = new Set();
const stack = [];
const groups = [];
for (const start of graph.keys()) {
  if (idx.has(start)) continue;
  const work = [[start, 0]];
  idx.set(start, index);
  low.set(start, index++);
  stack.push(start);
  onStack.add(start);
  while (work.length > 0) {
    const frame = work[work.length - 1];
    const [v, i] = frame;
    const deps = graph.get(v) ?? [];
    if (i < deps.length) {
      frame[1]++;
      const w = deps[i];
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        idx.set(w, index);
        low.set(w, index++);
        stack.push(w);
        onStack.add(w);
        work.push([w, 0]);
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
      continue;
    }
    work.pop();
    if (work.length > 0) {
      const parent = work[work.length - 1][0];
      low.set(parent, Math.min(low.get(parent), low.get(v)));
    }
    if (low.get(v) === idx.get(v)) {
      const group = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      const selfLoop = (graph.get(v) ?? []).includes(v);
      if (group.length > 1 || selfLoop) groups.push(group);
    }
  }
}

/** One concrete cycle through a group: a shortest way back from its first file to itself. */
function cycleIn(group) {
  const inGroup = new Set(group);
  const first = group[0];
  const prev = new Map([[first, null]]);
  const queue = [first];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!inGroup.has(w)) continue;
      if (w === first) {
        const path = [v];
        for (let p = prev.get(v); p; p = prev.get(p)) path.push(p);
        return [...path.reverse(), first];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [first, first];
}

if (groups.length > 0) {
  console.error(`import cycles: ${groups.length}`);
  for (const g of groups) console.error(`  ${cycleIn(g).map((f) => relative(root, f)).join(' → ')}`);
  process.exit(1);
}
console.log(`import cycles: none (${graph.size} files in ${folders.join(', ')})`);
