/**
 * One growable float32 heap per backend, addressed by element offset, with exact-size free lists.
 * A training loop allocates the same shapes every step, so after the first step every op's output
 * comes from the free list: no garbage, no allocation. The heap is either a plain Float32Array
 * (JS kernels) or a WebAssembly.Memory (WASM kernels read and write it in place, no copies).
 */

/** Offsets are 16-byte aligned (4 floats) so SIMD loads of a row start never straddle a line badly. */
const ALIGN = 4;

export interface Float32Heap {
  /** The whole heap; re-read after every alloc (growth replaces it). */
  readonly data: Float32Array;
  alloc(length: number): number;
  free(offset: number, length: number): void;
  /** Floats currently handed out (for leak checks and telemetry). */
  readonly inUse: number;
}

abstract class FreeListHeap implements Float32Heap {
  abstract readonly data: Float32Array;
  private top = ALIGN; // offset 0 stays unused so 0 can mean "null" to kernels
  private readonly free_ = new Map<number, number[]>();
  inUse = 0;

  alloc(length: number): number {
    const size = roundUp(Math.max(1, length));
    this.inUse += size;
    const list = this.free_.get(size);
    if (list && list.length > 0) return list.pop()!;
    const offset = this.top;
    this.top += size;
    if (this.top > this.data.length) this.grow(this.top);
    return offset;
  }

  free(offset: number, length: number): void {
    const size = roundUp(Math.max(1, length));
    this.inUse -= size;
    let list = this.free_.get(size);
    if (!list) this.free_.set(size, (list = []));
    list.push(offset);
  }

  /** Make data hold at least `floats` elements, keeping the contents. */
  protected abstract grow(floats: number): void;
}

function roundUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

export class ArrayHeap extends FreeListHeap {
  data = new Float32Array(1 << 16);
  protected grow(floats: number): void {
    const next = new Float32Array(Math.max(floats, this.data.length * 2));
    next.set(this.data);
    this.data = next;
  }
}

const PAGE_FLOATS = 65536 / 4;

/** The part of WebAssembly.Memory the heap uses (the engine's TS lib has no WebAssembly types). */
export interface WasmMemoryLike {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export class WasmHeap extends FreeListHeap {
  data: Float32Array;
  constructor(readonly memory: WasmMemoryLike) {
    super();
    this.data = new Float32Array(memory.buffer);
  }
  protected grow(floats: number): void {
    const have = this.memory.buffer.byteLength / 4;
    const want = Math.max(floats, have * 2);
    this.memory.grow(Math.ceil((want - have) / PAGE_FLOATS));
    this.data = new Float32Array(this.memory.buffer);
  }
}
