import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILE, readKernelFiles } from './node-gen-shaders.js';
import { renderShaderModule } from './shader-source.js';
import { KERNEL_BINDINGS } from './kernels.js';
import { SHADERS } from './shaders.generated.js';

describe('shaders.generated.ts', () => {
  it('is up to date with kernels/*.wgsl (run `npm run gen:wgsl` if this fails)', () => {
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(renderShaderModule(readKernelFiles()));
  });

  it('has a binding table for every program, matching its @binding declarations', () => {
    expect(Object.keys(KERNEL_BINDINGS).sort()).toEqual(Object.keys(SHADERS).sort());
    for (const [name, kinds] of Object.entries(KERNEL_BINDINGS)) {
      const code = SHADERS[name as keyof typeof SHADERS];
      const declared = [...code.matchAll(/@binding\((\d+)\) var<(storage, read_write|storage, read|uniform)>/g)].map(
        (m) => [Number(m[1]), m[2] === 'uniform' ? 'uniform' : m[2] === 'storage, read' ? 'read' : 'write'],
      );
      expect(declared, name).toEqual(kinds.map((k, i) => [i, k]));
    }
  });
});

describe('renderShaderModule', () => {
  it('inlines //#include fragments and skips fragments as programs', () => {
    const out = renderShaderModule([
      { name: '_f.wgsl', text: 'fn f() {}\n' },
      { name: 'k.wgsl', text: '// k\n//#include _f.wgsl\nfn main() {}\n' },
    ]);
    expect(out).toContain('  k: `// k\n// ---- _f.wgsl ----\nfn f() {}\n// ---- end _f.wgsl ----\nfn main() {}\n`,');
    expect(out).not.toContain('_f:');
  });

  it('names the file and line of a missing include, and rejects cycles', () => {
    expect(() => renderShaderModule([{ name: 'k.wgsl', text: 'a\n//#include _x.wgsl\n' }])).toThrow(
      'kernels/k.wgsl:2: //#include of missing file "_x.wgsl"',
    );
    expect(() =>
      renderShaderModule([
        { name: '_a.wgsl', text: '//#include _b.wgsl' },
        { name: '_b.wgsl', text: '//#include _a.wgsl' },
        { name: 'k.wgsl', text: '//#include _a.wgsl' },
      ]),
    ).toThrow('include cycle');
  });

  it('escapes what would end or interpolate a template literal', () => {
    const out = renderShaderModule([{ name: 'k.wgsl', text: 'a`b${c}\\d' }]);
    expect(out).toContain('k: `a\\`b\\${c}\\\\d`');
  });
});
