/** Test helper (imported only by *.test.ts): run f and return the DatasetError it throws. */
import { DatasetError } from './errors.js';

export function catchDatasetError(f: () => unknown): DatasetError {
  try {
    f();
  } catch (e) {
    if (e instanceof DatasetError) return e;
    throw new Error(`expected a DatasetError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected a DatasetError, nothing was thrown');
}
