/** The shape check every backend runs on its operands, with one wording for all of them. */
import type { Tensor } from './backend.js';

/** Throws a RangeError naming the operand, its shape, the expected one and why. */
export function expectShape(t: Tensor, rows: number, cols: number, name: string, because: string): void {
  if (t.rows !== rows || t.cols !== cols)
    throw new RangeError(`${name} is ${t.rows}×${t.cols}, expected ${rows}×${cols} (${because})`);
}
