// Bias gradient of a dense layer:  ∂L/∂b = 1ᵀ G  (the column sums of G).
// G: n×q row-major f32, db: 1×q. Workgroup memory splits each column's sum over ROWS_PER_COLUMN
// invocations (strided rows, so every step reads a contiguous run of columns), then adds the
// partial sums in a fixed order: results are deterministic.

override COLS: u32 = 32u;
override ROWS_PER_COLUMN: u32 = 8u;

struct Params {
  n: u32,
  q: u32,
}

@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read_write> db: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

var<workgroup> partial: array<f32, COLS * ROWS_PER_COLUMN>;

@compute @workgroup_size(COLS, ROWS_PER_COLUMN, 1)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let c = wg.x * COLS + lid.x;
  var s = 0.0;
  if (c < params.q) {
    for (var r = lid.y; r < params.n; r += ROWS_PER_COLUMN) {
      s += g[r * params.q + c];
    }
  }
  partial[lid.y * COLS + lid.x] = s;
  workgroupBarrier();
  if (lid.y == 0u && c < params.q) {
    var total = 0.0;
    for (var k = 0u; k < ROWS_PER_COLUMN; k++) {
      total += partial[k * COLS + lid.x];
    }
    db[c] = total;
  }
}
