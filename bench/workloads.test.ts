import { describe, expect, it } from 'vitest';
import { WORKLOADS, flopsPerStep, parseWorkload } from './workloads.js';
import { stepFlops } from '../engine/backends/select.js';
import { median } from './stats.js';

describe('bench workloads', () => {
  it('are the issue-4 sizes', () => {
    expect(WORKLOADS.map((w) => `${w.widths.join('-')}@${w.batch}`)).toEqual(['2-8-8-2@64', '784-256-128-10@128', '1024-1024-1024-1024@256']);
  });
  it('count FLOPs the same way the backend selection does', () => {
    for (const w of WORKLOADS) {
      const spec = { inputSize: w.widths[0]!, layers: w.widths.slice(1).map((units) => ({ units, activation: 'tanh' as const })), loss: 'sse' as const };
      expect(flopsPerStep(w.widths, w.batch)).toBe(stepFlops(spec, w.batch));
    }
  });
  it('parses named and custom workloads, and rejects bad ones with the flag named', () => {
    expect(parseWorkload('m').widths).toEqual([784, 256, 128, 10]);
    expect(parseWorkload('64-32-1@16')).toEqual({ name: '64-32-1@16', widths: [64, 32, 1], batch: 16 });
    expect(() => parseWorkload('64x64')).toThrow(/--workloads/);
    expect(() => parseWorkload('0-4@3')).toThrow(/positive/);
  });
  it('median is robust to one outlier', () => {
    expect(median([1, 2, 100])).toBe(2);
    expect(median([1, 2, 3, 100])).toBe(2.5);
  });
});
