import { describe, expect, it } from 'vitest';
import { fromRows, toRows } from '../../core/matrix.js';
import { Cpu64Backend } from './cpu64-backend.js';

describe('cpu-f64 dense forward', () => {
  it('computes H = A W + 1 b and tanh by hand', async () => {
    const be = new Cpu64Backend();
    const A = be.upload(fromRows([[1, 2], [3, -1]]));
    const W = be.upload(fromRows([[0.5, -1], [0.25, 2]]));
    const b = be.upload(fromRows([[0.1, -0.2]]));
    const { H, A: A1 } = be.denseForward(A, W, b, 'tanh');
    // Row 0: [1*0.5 + 2*0.25 + 0.1, 1*-1 + 2*2 - 0.2] = [1.1, 2.8]
    // Row 1: [3*0.5 - 1*0.25 + 0.1, 3*-1 - 1*2 - 0.2] = [1.35, -5.2]
    expect(toRows(await be.read(H))).toEqual([[1.1, 2.8], [1.35, -5.2]].map((r) => r.map((x) => expect.closeTo(x, 12))));
    expect((await be.read(A1)).data[0]).toBeCloseTo(Math.tanh(1.1), 14);
  });
});
