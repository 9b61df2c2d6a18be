/**
 * Every protocol schema that mirrors an engine type produces exactly that type: a missing optional
 * key, an extra key or a different member fails `npx vue-tsc -b` (this file is typechecked with
 * the engine). `[A] extends [B]` both ways could not see a missing optional key — the loss-spike
 * breakpoint's `window` was rejected by the schema for that reason. Readonly is ignored (the
 * schemas build mutable objects); everything else must match.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { ModelSpec } from '../model/spec.js';
import type { BreakpointCondition, OptimizerConfig, TrainConfig } from '../train/types.js';
import type { breakpointSchema, modelSpecSchema, optimizerSchema } from './common-schemas.js';
import type { LayoutOptions } from '../compare/layout.js';
import type { LoadOptions } from '../data/load.js';
import type { CommandOf, loadOptionsSchema, trainConfigSchema } from './commands.js';
import { parseCommand } from './parse.js';

type Mutable<T> = T extends Float64Array | Float32Array
  ? T
  : T extends readonly (infer E)[]
    ? Mutable<E>[]
    : T extends object
      ? { -readonly [K in keyof T]: Mutable<T[K]> }
      : T;
type Out<S extends z.ZodType> = Mutable<z.output<S>>;

describe('protocol schemas mirror the engine types exactly', () => {
  it('model spec, optimizer, breakpoints', () => {
    expectTypeOf<Out<typeof modelSpecSchema>>().toEqualTypeOf<Mutable<ModelSpec>>();
    expectTypeOf<Out<typeof optimizerSchema>>().toEqualTypeOf<Mutable<OptimizerConfig>>();
    expectTypeOf<Out<typeof breakpointSchema>>().toEqualTypeOf<Mutable<BreakpointCondition>>();
  });

  it('train configuration (the wire form adds a backend preference and sends matrices as inputs)', () => {
    type Wire = Omit<Out<typeof trainConfigSchema>, 'backend' | 'init'>;
    expectTypeOf<Wire>().toEqualTypeOf<Mutable<Omit<TrainConfig, 'init'>>>();
  });

  it('load-dataset file options: the loader options a caller may choose (no limits, no progress hooks)', () => {
    type Chosen = 'format' | 'delimiter' | 'header' | 'skipLines' | 'encoding' | 'comment' | 'name' | 'features' | 'targets' | 'task' | 'classes' | 'loss' | 'missing' | 'oneHot' | 'oneHotCap';
    expectTypeOf<Out<typeof loadOptionsSchema>>().toEqualTypeOf<Mutable<Pick<LoadOptions, Chosen>>>();
  });

  it('compare: the layout options (the wire sends --map as the CLI text, parsed by the engine)', () => {
    type Wire = Mutable<Pick<CommandOf<'compare'>, 'layout' | 'base'>>;
    expectTypeOf<Wire>().toEqualTypeOf<Mutable<Omit<LayoutOptions, 'map'>>>();
  });

  it('rejects loader limits and normalisation in load-dataset (limits are the engine\'s; normalisation is configured)', () => {
    const file = (options: object) =>
      parseCommand({ v: 1, type: 'load-dataset', source: { kind: 'file', fileName: 'a.csv', bytes: new Uint8Array(1), options } });
    expect(file({ header: true, features: ['a', 1], task: 'regression' }).ok).toBe(true);
    expect(file({ limits: { maxBytes: 1e12 } }).ok).toBe(false);
    expect(file({ normalize: 'standardize' }).ok).toBe(false);
    expect(file({ delimiter: 'x' }).ok).toBe(false);
  });

  it('accepts every breakpoint the engine can evaluate, the loss-spike window included', () => {
    const r = parseCommand({
      v: 1,
      type: 'set-breakpoints',
      breakpoints: [{ kind: 'loss-spike', factor: 3, window: 5 }],
    });
    expect(r.ok).toBe(true);
    if (!r.ok || r.command.type !== 'set-breakpoints') throw new Error('expected set-breakpoints');
    expect(r.command.breakpoints).toEqual([{ kind: 'loss-spike', factor: 3, window: 5 }]);
    const bad = parseCommand({ v: 1, type: 'set-breakpoints', breakpoints: [{ kind: 'loss-spike', factor: 3, window: 0 }] });
    expect(bad.ok).toBe(false);
  });
});
