/** One named array read from a container (.npz member, safetensors tensor), values as float64. */
export interface NamedArray {
  readonly name: string;
  /** The element type as the file wrote it: numpy's `<f8`, safetensors' `F32`, ... */
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Row-major (C-order) values. */
  readonly data: Float64Array;
}
