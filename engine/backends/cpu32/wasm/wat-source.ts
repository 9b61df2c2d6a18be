/**
 * The WebAssembly SIMD matrix kernels of cpu-f32, as WAT text generated from templates (the
 * register-tiled inner loops differ only by tile size and by full-vector vs one-lane loads, so
 * they are written once here). node-build-wasm.ts assembles this with wabt into
 * matmul-wasm.generated.ts; a test checks that file is fresh.
 *
 * gemm: C (M×N) = a(M×K) · B (K×N) (+ 1·bias), a addressed through two byte strides so the one
 *   kernel serves H = A·W (a = A, rows stride p) and ∂W = Aᵀ·G (a = Aᵀ read in place: rows stride 1,
 *   reduction stride p). Tiles of 4 rows × 8 columns keep 8 f32x4 accumulators in registers; each
 *   reduction step loads 2 vectors of B and broadcasts 4 scalars of a (v128.load32_splat) for 32
 *   multiply-adds. The column tile walks outermost so its K×8 panel of B stays in L1/L2 while every
 *   row tile reuses it. Both operands are packed first when the caller passes scratch ($pk, $pa):
 *   the K×8 panel of B into 32-byte rows and a's 4-row tiles into K×4 panels, so the inner loop
 *   walks two contiguous pointers. Unpacked, B's rows are N·4 bytes apart and Aᵀ's reduction steps
 *   p·4 apart; at 1024 columns those strided streams all land in the same cache sets (4K
 *   aliasing): on one core L's A·W ran at 10–13 GFLOP/s and Aᵀ·G at 16–24, packed 30–38
 *   (BENCHMARKS.md).
 * gemm_nt: X (n×p) = G (n×q) · Wᵀ (W p×q read in place): dot products of contiguous rows, tiles of
 *   2 rows of G × 4 rows of W (8 accumulators), summed across lanes by a 4×4 transpose-add so the
 *   4 results store as one vector. The W tile is the outer loop (it stays in L1 across all of G).
 * Edges (sizes not multiples of the tile) use the same code with 1-row tiles and one-lane loads
 * (v128.load32_zero / v128.store32_lane), so every shape runs the tiled path.
 */

type ColVariant = { readonly name: string; readonly width: number; readonly vecs: number; readonly lane: boolean };
const V8: ColVariant = { name: 'v8', width: 8, vecs: 2, lane: false };
const V4: ColVariant = { name: 'v4', width: 4, vecs: 1, lane: false };
const S1: ColVariant = { name: 's1', width: 1, vecs: 1, lane: true };

/** acc + x·y: separate multiply and add (SIMD MVP), or one fused/relaxed multiply-add (relaxed SIMD). */
let useFma = false;
const madd = (acc: string, x: string, y: string): string =>
  useFma ? `(f32x4.relaxed_madd ${x} ${y} ${acc})` : `(f32x4.add ${acc} (f32x4.mul ${x} ${y}))`;

const load = (lane: boolean, addr: string, off = 0): string =>
  lane ? `(v128.load32_zero offset=${off} ${addr})` : `(v128.load offset=${off} ${addr})`;
const store = (lane: boolean, addr: string, value: string, off = 0): string =>
  lane ? `(v128.store32_lane offset=${off} 0 ${addr} ${value})` : `(v128.store offset=${off} ${addr} ${value})`;

/**
 * One R-row × variant tile of gemm at (i, j). With `packed`, the R=4 rows of a come from the
 * packed panel at $ap (K×4 contiguous: one pointer, constant offsets); else from R pointers
 * walking a's own strides. Each a value is broadcast straight from memory (v128.load32_splat).
 */
function gemmTile(R: number, c: ColVariant, packed = false): string {
  const out: string[] = [];
  const acc = (r: number, v: number) => `$c${r}${v}`;
  for (let r = 0; r < R; r++) {
    for (let v = 0; v < c.vecs; v++) {
      out.push(
        `(local.set ${acc(r, v)} (if (result v128) (local.get $bias) (then ${load(c.lane, '(i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))', v * 16)}) (else (v128.const i32x4 0 0 0 0))))`,
      );
    }
    if (!packed) out.push(`(local.set $a${r} (i32.add (local.get $A) (i32.mul (i32.add (local.get $i) (i32.const ${r})) (local.get $ars))))`);
  }
  // Panel i/4 of the packed a starts i·K·4 bytes in (each panel is K·16 bytes).
  if (packed) out.push(`(local.set $ap (i32.add (local.get $pa) (i32.shl (i32.mul (local.get $i) (local.get $K)) (i32.const 2))))`);
  out.push(`(local.set $bp (local.get $bcol))`);
  out.push(`(local.set $kk (local.get $K))`);
  const body: string[] = [];
  for (let v = 0; v < c.vecs; v++) body.push(`(local.set $b${v} ${load(c.lane, '(local.get $bp)', v * 16)})`);
  for (let r = 0; r < R; r++) {
    body.push(`(local.set $s ${packed ? `(v128.load32_splat offset=${4 * r} (local.get $ap))` : `(v128.load32_splat (local.get $a${r}))`})`);
    for (let v = 0; v < c.vecs; v++) body.push(`(local.set ${acc(r, v)} ${madd(`(local.get ${acc(r, v)})`, '(local.get $s)', `(local.get $b${v})`)})`);
    if (!packed) body.push(`(local.set $a${r} (i32.add (local.get $a${r}) (local.get $aks)))`);
  }
  if (packed) body.push(`(local.set $ap (i32.add (local.get $ap) (i32.const 16)))`);
  body.push(`(local.set $bp (i32.add (local.get $bp) (local.get $bst)))`);
  body.push(`(local.set $kk (i32.sub (local.get $kk) (i32.const 1)))`);
  out.push(`(if (i32.gt_s (local.get $kk) (i32.const 0)) (then (loop $k ${body.join(' ')} (br_if $k (local.get $kk)))))`);
  for (let r = 0; r < R; r++) {
    const row = `(i32.add (local.get $C) (i32.shl (i32.add (i32.mul (i32.add (local.get $i) (i32.const ${r})) (local.get $N)) (local.get $j)) (i32.const 2)))`;
    for (let v = 0; v < c.vecs; v++) out.push(store(c.lane, row, `(local.get ${acc(r, v)})`, v * 16));
  }
  return out.join('\n      ');
}

/**
 * Packs every full 4-row tile of a into K×4 panels at $pa (panel t at t·K·16 bytes): a's rows are
 * p·4 bytes apart (A·W) or its reduction steps are (Aᵀ·G), and with p a multiple of 1024 those
 * strided reads alias in L1/L2 on every column tile; packed, each tile reads one contiguous run.
 */
function packA(): string {
  const loads = [0, 1, 2, 3]
    .map((r) => `(f32.store offset=${4 * r} (local.get $ap) (f32.load (i32.add (local.get $bp) (i32.mul (i32.const ${r}) (local.get $ars)))))`)
    .join(' ');
  return `
  (if (local.get $pa) (then
    (local.set $i (i32.const 0)) (local.set $ap (local.get $pa))
    (block $pad (loop $pal (br_if $pad (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $M)))
      (local.set $bp (i32.add (local.get $A) (i32.mul (local.get $i) (local.get $ars))))
      (local.set $kk (local.get $K))
      (block $pkd (loop $pkl (br_if $pkd (i32.le_s (local.get $kk) (i32.const 0)))
        ${loads}
        (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
        (local.set $bp (i32.add (local.get $bp) (local.get $aks)))
        (local.set $kk (i32.sub (local.get $kk) (i32.const 1))) (br $pkl)))
      (local.set $i (i32.add (local.get $i) (i32.const 4))) (br $pal)))))`;
}

function gemmColumnPass(c: ColVariant): string {
  const rows = (R: number) => `
    (block $rd${R}${c.name} (loop $rl${R}${c.name}
      (br_if $rd${R}${c.name} (i32.gt_s (i32.add (local.get $i) (i32.const ${R})) (local.get $M)))
      ${R === 4 ? `(if (local.get $pa) (then ${gemmTile(R, c, true)}) (else ${gemmTile(R, c)}))` : gemmTile(R, c)}
      (local.set $i (i32.add (local.get $i) (i32.const ${R})))
      (br $rl${R}${c.name})))`;
  return `
  (block $cd${c.name} (loop $cl${c.name}
    (br_if $cd${c.name} (i32.gt_s (i32.add (local.get $j) (i32.const ${c.width})) (local.get $N)))
    (local.set $bcol (i32.add (local.get $B) (i32.shl (local.get $j) (i32.const 2))))
    (local.set $bst (local.get $ldb))${c.width === 8 ? packPanel() : ''}
    (local.set $i (i32.const 0))${rows(4)}${rows(1)}
    (local.set $j (i32.add (local.get $j) (i32.const ${c.width})))
    (br $cl${c.name})))`;
}

/**
 * Copies the K×8 column panel of B at column $j into the scratch at $pk (32 bytes a row), so the
 * row tiles read it with one stride-32 pointer: B's own rows are N·4 bytes apart, and with N a
 * multiple of 1024 every row of the panel falls in the same L1/L2 sets (4K aliasing). Skipped
 * when $pk is 0.
 */
function packPanel(): string {
  return `
    (if (local.get $pk) (then
      (local.set $kk (local.get $K)) (local.set $bp (local.get $bcol)) (local.set $a0 (local.get $pk))
      (block $pkd (loop $pkl (br_if $pkd (i32.le_s (local.get $kk) (i32.const 0)))
        (v128.store (local.get $a0) (v128.load (local.get $bp)))
        (v128.store offset=16 (local.get $a0) (v128.load offset=16 (local.get $bp)))
        (local.set $bp (i32.add (local.get $bp) (local.get $ldb)))
        (local.set $a0 (i32.add (local.get $a0) (i32.const 32)))
        (local.set $kk (i32.sub (local.get $kk) (i32.const 1))) (br $pkl)))
      (local.set $bcol (local.get $pk)) (local.set $bst (i32.const 32))))`;
}

function gemm(): string {
  const accs = [0, 1, 2, 3].flatMap((r) => [0, 1].map((v) => `(local $c${r}${v} v128)`)).join(' ');
  return `
 (func (export "gemm")
  (param $M i32) (param $N i32) (param $K i32) (param $A i32) (param $ars i32) (param $aks i32)
  (param $B i32) (param $C i32) (param $bias i32) (param $pk i32) (param $pa i32)
  (local $ap i32) (local $i i32) (local $j i32) (local $kk i32) (local $bp i32) (local $ldb i32) (local $bcol i32) (local $bst i32)
  (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
  (local $b0 v128) (local $b1 v128) (local $s v128) ${accs}
  (local.set $ldb (i32.shl (local.get $N) (i32.const 2)))${packA()}
  (local.set $j (i32.const 0))${gemmColumnPass(V8)}${gemmColumnPass(V4)}${gemmColumnPass(S1)})`;
}

/** Sum of the 4 lanes of each of x0..x3, as one vector [Σx0, Σx1, Σx2, Σx3]. */
function transposeSum(x: readonly string[]): string {
  const lo = (a: string, b: string) => `(i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 ${a} ${b})`;
  const hi = (a: string, b: string) => `(i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 ${a} ${b})`;
  const even = (a: string, b: string) => `(i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 ${a} ${b})`;
  const odd = (a: string, b: string) => `(i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 ${a} ${b})`;
  // t0 = [x0₀+x0₂, x0₁+x0₃, x1₀+x1₂, x1₁+x1₃], t1 likewise for x2, x3; then pair up even/odd lanes.
  const t0 = `(f32x4.add ${lo(x[0]!, x[1]!)} ${hi(x[0]!, x[1]!)})`;
  const t1 = `(f32x4.add ${lo(x[2]!, x[3]!)} ${hi(x[2]!, x[3]!)})`;
  return `(local.set $t0 ${t0}) (local.set $t1 ${t1}) (f32x4.add ${even('(local.get $t0)', '(local.get $t1)')} ${odd('(local.get $t0)', '(local.get $t1)')})`;
}

const laneSum = (x: string): string =>
  `(f32.add (f32.add (f32x4.extract_lane 0 ${x}) (f32x4.extract_lane 1 ${x})) (f32.add (f32x4.extract_lane 2 ${x}) (f32x4.extract_lane 3 ${x})))`;

/** One RI-row (of G) × CK-column (rows of W) tile of gemm_nt at (i, k). */
function ntTile(RI: number, CK: number): string {
  const out: string[] = [];
  const acc = (r: number, c: number) => `$d${r}${c}`;
  for (let r = 0; r < RI; r++) for (let c = 0; c < CK; c++) out.push(`(local.set ${acc(r, c)} (v128.const i32x4 0 0 0 0))`);
  for (let r = 0; r < RI; r++) out.push(`(local.set $g${r} (i32.add (local.get $G) (i32.mul (i32.add (local.get $i) (i32.const ${r})) (local.get $ldg))))`);
  for (let c = 0; c < CK; c++) out.push(`(local.set $w${c} (i32.add (local.get $W) (i32.mul (i32.add (local.get $k) (i32.const ${c})) (local.get $ldg))))`);
  out.push(`(local.set $jj (local.get $q))`);
  const step = (lane: boolean, bytes: number, count: number, label: string) => {
    const body: string[] = [];
    for (let r = 0; r < RI; r++) body.push(`(local.set $x${r} ${load(lane, `(local.get $g${r})`)})`);
    for (let c = 0; c < CK; c++) {
      body.push(`(local.set $y ${load(lane, `(local.get $w${c})`)})`);
      for (let r = 0; r < RI; r++) body.push(`(local.set ${acc(r, c)} ${madd(`(local.get ${acc(r, c)})`, `(local.get $x${r})`, '(local.get $y)')})`);
    }
    for (let r = 0; r < RI; r++) body.push(`(local.set $g${r} (i32.add (local.get $g${r}) (i32.const ${bytes})))`);
    for (let c = 0; c < CK; c++) body.push(`(local.set $w${c} (i32.add (local.get $w${c}) (i32.const ${bytes})))`);
    body.push(`(local.set $jj (i32.sub (local.get $jj) (i32.const ${count})))`);
    return `(block $${label}d (loop $${label}l (br_if $${label}d (i32.lt_s (local.get $jj) (i32.const ${count}))) ${body.join(' ')} (br $${label}l)))`;
  };
  out.push(step(false, 16, 4, 'v'));
  out.push(step(true, 4, 1, 's'));
  for (let r = 0; r < RI; r++) {
    const dst = `(i32.add (local.get $X) (i32.shl (i32.add (i32.mul (i32.add (local.get $i) (i32.const ${r})) (local.get $p)) (local.get $k)) (i32.const 2)))`;
    if (CK === 4) out.push(`(v128.store ${dst} ${transposeSum([0, 1, 2, 3].map((c) => `(local.get ${acc(r, c)})`))})`);
    else out.push(`(f32.store ${dst} ${laneSum(`(local.get ${acc(r, 0)})`)})`);
  }
  return out.join('\n      ');
}

function ntPass(CK: number): string {
  const rows = (RI: number) => `
    (block $nd${RI}${CK} (loop $nl${RI}${CK}
      (br_if $nd${RI}${CK} (i32.gt_s (i32.add (local.get $i) (i32.const ${RI})) (local.get $n)))
      ${ntTile(RI, CK)}
      (local.set $i (i32.add (local.get $i) (i32.const ${RI})))
      (br $nl${RI}${CK})))`;
  return `
  (block $kd${CK} (loop $kl${CK}
    (br_if $kd${CK} (i32.gt_s (i32.add (local.get $k) (i32.const ${CK})) (local.get $p)))
    (local.set $i (i32.const 0))${rows(2)}${rows(1)}
    (local.set $k (i32.add (local.get $k) (i32.const ${CK})))
    (br $kl${CK})))`;
}

function gemmNT(): string {
  const accs = [0, 1].flatMap((r) => [0, 1, 2, 3].map((c) => `(local $d${r}${c} v128)`)).join(' ');
  return `
 (func (export "gemm_nt")
  (param $n i32) (param $q i32) (param $p i32) (param $G i32) (param $W i32) (param $X i32)
  (local $i i32) (local $k i32) (local $jj i32) (local $ldg i32)
  (local $g0 i32) (local $g1 i32) (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32)
  (local $x0 v128) (local $x1 v128) (local $y v128) (local $t0 v128) (local $t1 v128) ${accs}
  (local.set $ldg (i32.shl (local.get $q) (i32.const 2)))
  (local.set $k (i32.const 0))${ntPass(4)}${ntPass(1)})`;
}

const f4 = (x: number): string => `(v128.const f32x4 ${x} ${x} ${x} ${x})`;

/**
 * tanh of n floats, src → dst (may alias): the odd/even 13/6 rational approximation of Eigen and
 * ONNX Runtime's MLAS (accurate to a couple of ulps on [−9, 9]; tanh is ±1 in f32 beyond), four
 * lanes at a time. Math.tanh is ~20 ns a call in V8: for M that was a fifth of the step.
 * min/max propagate NaN, so a NaN pre-activation stays NaN (the debugger must see it).
 */
function tanhKernel(): string {
  const alpha = ['-2.76076847742355e-16', '2.00018790482477e-13', '-8.60467152213735e-11', '5.12229709037114e-08', '1.48572235717979e-05', '6.37261928875436e-04', '4.89352455891786e-03'];
  const beta = ['1.19825839466702e-06', '1.18534705686654e-04', '2.26843463243900e-03', '4.89352518554385e-03'];
  const horner = (cs: string[], acc: string) =>
    cs.slice(1).map((c) => `(local.set ${acc} (f32x4.add (f32x4.mul (local.get $x2) (local.get ${acc})) ${f4(Number(c))}))`).join(' ');
  const body = (lane: boolean) => `
      (local.set $x (f32x4.max ${f4(-9)} (f32x4.min ${f4(9)} ${load(lane, '(local.get $src)')})))
      (local.set $x2 (f32x4.mul (local.get $x) (local.get $x)))
      (local.set $p ${f4(Number(alpha[0]))}) ${horner(alpha, '$p')}
      (local.set $q ${f4(Number(beta[0]))}) ${horner(beta, '$q')}
      ${store(lane, '(local.get $dst)', '(f32x4.div (f32x4.mul (local.get $x) (local.get $p)) (local.get $q))')}`;
  return `
 (func (export "tanh") (param $src i32) (param $dst i32) (param $n i32)
  (local $x v128) (local $x2 v128) (local $p v128) (local $q v128)
  (block $vd (loop $vl (br_if $vd (i32.lt_s (local.get $n) (i32.const 4)))${body(false)}
    (local.set $src (i32.add (local.get $src) (i32.const 16))) (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
    (local.set $n (i32.sub (local.get $n) (i32.const 4))) (br $vl)))
  (block $sd (loop $sl (br_if $sd (i32.le_s (local.get $n) (i32.const 0)))${body(true)}
    (local.set $src (i32.add (local.get $src) (i32.const 4))) (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
    (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br $sl))))`;
}

/**
 * SGD in place, four lanes at a time: d = g + λw; with momentum v ← μv + d, d = v; w ← w − lr·d.
 * ($v = 0: no velocity.)
 */
function sgdKernel(): string {
  const body = (lane: boolean) => `
      (local.set $w (${lane ? 'v128.load32_zero' : 'v128.load'} (local.get $pw)))
      (local.set $d (f32x4.add ${load(lane, '(local.get $pg)')} (f32x4.mul (local.get $wd) (local.get $w))))
      (if (local.get $pv) (then
        (local.set $d (f32x4.add (f32x4.mul (local.get $mu) ${load(lane, '(local.get $pv)')}) (local.get $d)))
        ${store(lane, '(local.get $pv)', '(local.get $d)')}))
      ${store(lane, '(local.get $pw)', '(f32x4.sub (local.get $w) (f32x4.mul (local.get $lr) (local.get $d)))')}`;
  const advance = (bytes: number, count: number) =>
    `(local.set $pw (i32.add (local.get $pw) (i32.const ${bytes}))) (local.set $pg (i32.add (local.get $pg) (i32.const ${bytes})))
    (if (local.get $pv) (then (local.set $pv (i32.add (local.get $pv) (i32.const ${bytes})))))
    (local.set $n (i32.sub (local.get $n) (i32.const ${count})))`;
  return `
 (func (export "sgd") (param $pw i32) (param $pg i32) (param $pv i32) (param $n i32) (param $lrs f32) (param $mus f32) (param $wds f32)
  (local $w v128) (local $d v128) (local $lr v128) (local $mu v128) (local $wd v128)
  (local.set $lr (f32x4.splat (local.get $lrs))) (local.set $mu (f32x4.splat (local.get $mus))) (local.set $wd (f32x4.splat (local.get $wds)))
  (block $vd (loop $vl (br_if $vd (i32.lt_s (local.get $n) (i32.const 4)))${body(false)}
    ${advance(16, 4)} (br $vl)))
  (block $sd (loop $sl (br_if $sd (i32.le_s (local.get $n) (i32.const 0)))${body(true)}
    ${advance(4, 1)} (br $sl))))`;
}

/**
 * Adam in place, four lanes at a time: d = g + λw; m ← β₁m + (1−β₁)d; v ← β₂v + (1−β₂)d²;
 * w ← w − α·m / (√(v·ι) + ε), with α = lr/(1−β₁ᵗ), ι = 1/(1−β₂ᵗ) and 1−β₁, 1−β₂ computed in double
 * by the caller: in f32, 1 − β₂ from a rounded β₂ = 0.999 is off by 1.3e-5 (relative), which
 * showed as 6e-6 relative error in the update where v starts at 0 (the conformance suite caught it). In JS this loop cost ≈ 15 ns a parameter:
 * as much as all three matrix products of a 784-256-128-10 step.
 */
function adamKernel(): string {
  const body = (lane: boolean) => `
      (local.set $w ${load(lane, '(local.get $pw)')})
      (local.set $d (f32x4.add ${load(lane, '(local.get $pg)')} (f32x4.mul (local.get $wd) (local.get $w))))
      (local.set $m (f32x4.add (f32x4.mul (local.get $b1) ${load(lane, '(local.get $pm)')}) (f32x4.mul (local.get $c1) (local.get $d))))
      (local.set $v (f32x4.add (f32x4.mul (local.get $b2) ${load(lane, '(local.get $pv)')})
        (f32x4.mul (local.get $c2) (f32x4.mul (local.get $d) (local.get $d)))))
      ${store(lane, '(local.get $pm)', '(local.get $m)')}
      ${store(lane, '(local.get $pv)', '(local.get $v)')}
      ${store(lane, '(local.get $pw)', `(f32x4.sub (local.get $w) (f32x4.div (f32x4.mul (local.get $alpha) (local.get $m))
        (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $v) (local.get $iota))) (local.get $eps))))`)}`;
  const advance = (bytes: number, count: number) =>
    `(local.set $pw (i32.add (local.get $pw) (i32.const ${bytes}))) (local.set $pg (i32.add (local.get $pg) (i32.const ${bytes})))
    (local.set $pm (i32.add (local.get $pm) (i32.const ${bytes}))) (local.set $pv (i32.add (local.get $pv) (i32.const ${bytes})))
    (local.set $n (i32.sub (local.get $n) (i32.const ${count})))`;
  return `
 (func (export "adam") (param $pw i32) (param $pg i32) (param $pm i32) (param $pv i32) (param $n i32)
  (param $alphas f32) (param $iotas f32) (param $b1s f32) (param $b2s f32) (param $c1s f32) (param $c2s f32) (param $epss f32) (param $wds f32)
  (local $w v128) (local $d v128) (local $m v128) (local $v v128) (local $alpha v128) (local $iota v128)
  (local $b1 v128) (local $b2 v128) (local $c1 v128) (local $c2 v128) (local $eps v128) (local $wd v128)
  (local.set $alpha (f32x4.splat (local.get $alphas))) (local.set $iota (f32x4.splat (local.get $iotas)))
  (local.set $b1 (f32x4.splat (local.get $b1s))) (local.set $b2 (f32x4.splat (local.get $b2s)))
  (local.set $c1 (f32x4.splat (local.get $c1s))) (local.set $c2 (f32x4.splat (local.get $c2s)))
  (local.set $eps (f32x4.splat (local.get $epss))) (local.set $wd (f32x4.splat (local.get $wds)))
  (block $vd (loop $vl (br_if $vd (i32.lt_s (local.get $n) (i32.const 4)))${body(false)}
    ${advance(16, 4)} (br $vl)))
  (block $sd (loop $sl (br_if $sd (i32.le_s (local.get $n) (i32.const 0)))${body(true)}
    ${advance(4, 1)} (br $sl))))`;
}

/**
 * Column sums db (1×q) = 1ᵀ G (n×q), row by row into db (same order and f32 roundings as the JS
 * kernel, so both give identical sums), four columns at a time.
 */
function colsumKernel(): string {
  const pass = (lane: boolean, bytes: number, count: number, label: string) => `
  (block $${label}d (loop $${label}l (br_if $${label}d (i32.lt_s (local.get $jj) (i32.const ${count})))
    (local.set $x (v128.const i32x4 0 0 0 0)) (local.set $g (local.get $col)) (local.set $i (local.get $n))
    (block $${label}id (loop $${label}il (br_if $${label}id (i32.le_s (local.get $i) (i32.const 0)))
      (local.set $x (f32x4.add (local.get $x) ${load(lane, '(local.get $g)')}))
      (local.set $g (i32.add (local.get $g) (local.get $ldg)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1))) (br $${label}il)))
    ${store(lane, '(local.get $db)', '(local.get $x)')}
    (local.set $col (i32.add (local.get $col) (i32.const ${bytes}))) (local.set $db (i32.add (local.get $db) (i32.const ${bytes})))
    (local.set $jj (i32.sub (local.get $jj) (i32.const ${count}))) (br $${label}l)))`;
  return `
 (func (export "colsum") (param $G i32) (param $db i32) (param $n i32) (param $q i32)
  (local $x v128) (local $g i32) (local $col i32) (local $i i32) (local $jj i32) (local $ldg i32)
  (local.set $ldg (i32.shl (local.get $q) (i32.const 2))) (local.set $col (local.get $G)) (local.set $jj (local.get $q))${pass(false, 16, 4, 'cv')}${pass(true, 4, 1, 'cs')})`;
}

/** X ⊙= 1 − A² (the tanh derivative from its output A), n floats, four lanes at a time. */
function dtanhKernel(): string {
  const body = (lane: boolean) => `
      (local.set $a ${load(lane, '(local.get $pa)')})
      ${store(lane, '(local.get $px)', `(f32x4.mul ${load(lane, '(local.get $px)')} (f32x4.sub ${f4(1)} (f32x4.mul (local.get $a) (local.get $a))))`)}`;
  return `
 (func (export "dtanh") (param $pa i32) (param $px i32) (param $n i32)
  (local $a v128)
  (block $vd (loop $vl (br_if $vd (i32.lt_s (local.get $n) (i32.const 4)))${body(false)}
    (local.set $pa (i32.add (local.get $pa) (i32.const 16))) (local.set $px (i32.add (local.get $px) (i32.const 16)))
    (local.set $n (i32.sub (local.get $n) (i32.const 4))) (br $vl)))
  (block $sd (loop $sl (br_if $sd (i32.le_s (local.get $n) (i32.const 0)))${body(true)}
    (local.set $pa (i32.add (local.get $pa) (i32.const 4))) (local.set $px (i32.add (local.get $px) (i32.const 4)))
    (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br $sl))))`;
}

/**
 * The whole module: memory imported from JS as env.memory (the backend's heap). With `fma`, the
 * multiply-adds are f32x4.relaxed_madd (one instruction on FMA hardware: twice the peak), which
 * Chromium ≥ 114 / Electron ≥ 25 enable by default and Node 20 only behind
 * --experimental-wasm-relaxed-simd; the MVP module is the fallback. With `shared`, the memory is a
 * shared one that worker threads instantiate the same kernels on.
 */
export function matmulWat(fma = false, shared = false): string {
  useFma = fma;
  // A shared memory (worker threads) must declare its maximum: 65536 pages = the 4 GiB wasm32 limit.
  const memory = shared ? '(memory 1 65536 shared)' : '(memory 1)';
  return `(module
 (import "env" "memory" ${memory})${gemm()}${gemmNT()}${tanhKernel()}${sgdKernel()}${adamKernel()}${colsumKernel()}${dtanhKernel()}
)
`;
}
