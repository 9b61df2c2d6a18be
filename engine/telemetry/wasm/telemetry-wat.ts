/**
 * WebAssembly SIMD kernels for telemetry on float32 matrices (the f32 backends' host reads): the
 * per-layer statistics and the max-magnitude pooling of frames and history entries walk every
 * value of every matrix a recorded step produced, and JS loops over Float32Arrays cost 2–10 ns a
 * value on these machines (bench/telemetry.ts: recording was ≈ 30% of engine time on the M net).
 * node-build-telemetry-wasm.ts assembles this with wabt into telemetry-wasm.generated.ts; a test
 * checks that file is fresh. The module stays under 4 KB: Chromium compiles modules that small
 * synchronously on a page's main thread (the hidden Electron engine window is one).
 *
 * Memory: the module owns it; bytes 0–7 hold the f32 min and max a kernel reports, inputs and
 * outputs go above RESULT_BYTES (the caller copies them in and out).
 *
 * moments(p, n) → Σx² (f64; each square is exact in f64, the sum runs in 4 lanes), min and max at
 *   bytes 0 and 4 (f32x4.min/max: a NaN anywhere makes them NaN, so callers know to take the exact,
 *   non-finite-aware path).
 * histogram(p, n, halfMin, halfWidth, last, counts): counts[min(last, floor((x/2 − halfMin)/halfWidth))]++
 *   for finite x ≥ min, the very arithmetic of stats.ts's histogram (x/2 is exact, so x·0.5 is the
 *   same value), so both give identical counts. Four interleaved count arrays (counts + k·4·(last+1))
 *   keep runs of one bin from serialising on one memory cell; the caller sums them.
 * pool(src, C, rowStarts, rows, colStarts, cols, hi, lo, out): out (rows×cols) gets, per block
 *   [rowStarts[r], rowStarts[r+1]) × [colStarts[o], colStarts[o+1]) of src (R×C row-major), the
 *   value of largest magnitude with its sign (a tie between x and −x keeps x), NaN when the block
 *   holds one, and ±Infinity over every finite value: block max h and min l, then h if h ≥ −l, l if
 *   l < −h, else NaN. Rows of a block are folded into per-column maxima and minima (hi, lo: C f32
 *   each) four columns at a time, then columns into blocks. The overall min (of every l) and max
 *   (of every h) go to bytes 0 and 4.
 */

export const RESULT_BYTES = 16;

/** WAT text helpers, inlined at each use (Node 20's V8 does not inline wasm calls). */
const sq = (s: string, x: string): string =>
  `(f64x2.add ${s} (f64x2.mul (f64x2.promote_low_f32x4 ${x}) (f64x2.promote_low_f32x4 ${x})))`;
const swapHalves = (x: string): string => `(i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${x} ${x})`;
const bins2 = (x: string): string =>
  `(i32x4.trunc_sat_f64x2_s_zero (f64x2.floor (f64x2.div (f64x2.sub (f64x2.mul ${x} (v128.const f64x2 0.5 0.5)) (local.get $hm)) (local.get $hw))))`;
const bump = (a: string): string => `(i32.store ${a} (i32.add (i32.load ${a}) (i32.const 1)))`;
/** A block's pick from its max h and min l: h if h ≥ −l, l if l < −h, else (a NaN) NaN; four blocks at once. */
const pick = (h: string, l: string): string =>
  `(v128.bitselect ${h} (v128.bitselect ${l} (v128.const f32x4 nan nan nan nan) (f32x4.lt ${l} (f32x4.neg ${h}))) (f32x4.ge ${h} (f32x4.neg ${l})))`;

export const TELEMETRY_WAT = `(module
  (memory (export "memory") 1)

  (func $hsum (param $v v128) (result f64)
    (f64.add (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v))))

  (func $hmin (param $v v128) (result f32)
    (f32.min (f32.min (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
             (f32.min (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  (func $hmax (param $v v128) (result f32)
    (f32.max (f32.max (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
             (f32.max (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  (func (export "moments") (param $p i32) (param $n i32) (result f64)
    (local $vend i32) (local $end i32) (local $x v128) (local $y v128) (local $mn v128) (local $mx v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $f f32) (local $d f64) (local $s f64)
    (local $fmin f32) (local $fmax f32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vend (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 2))))
    (local.set $mn (f32x4.splat (f32.const inf)))
    (local.set $mx (f32x4.splat (f32.const -inf)))
    ;; eight values a turn: pmin/pmax are single instructions; a NaN they may skip still makes Σx² NaN
    (block $vdone (loop $v
      (br_if $vdone (i32.ge_u (local.get $p) (local.get $vend)))
      (local.set $x (v128.load (local.get $p)))
      (local.set $y (v128.load offset=16 (local.get $p)))
      (local.set $mn (f32x4.pmin (f32x4.pmin (local.get $mn) (local.get $x)) (local.get $y)))
      (local.set $mx (f32x4.pmax (f32x4.pmax (local.get $mx) (local.get $x)) (local.get $y)))
      (local.set $s0 ${sq('(local.get $s0)', '(local.get $x)')})
      (local.set $s1 ${sq('(local.get $s1)', swapHalves('(local.get $x)'))})
      (local.set $s2 ${sq('(local.get $s2)', '(local.get $y)')})
      (local.set $s3 ${sq('(local.get $s3)', swapHalves('(local.get $y)'))})
      (local.set $p (i32.add (local.get $p) (i32.const 32)))
      (br $v)))
    (local.set $s (call $hsum (f64x2.add (f64x2.add (local.get $s0) (local.get $s1)) (f64x2.add (local.get $s2) (local.get $s3)))))
    (local.set $fmin (call $hmin (local.get $mn)))
    (local.set $fmax (call $hmax (local.get $mx)))
    (block $done (loop $t
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $f (f32.load (local.get $p)))
      (local.set $fmin (f32.min (local.get $fmin) (local.get $f)))
      (local.set $fmax (f32.max (local.get $fmax) (local.get $f)))
      (local.set $d (f64.promote_f32 (local.get $f)))
      (local.set $s (f64.add (local.get $s) (f64.mul (local.get $d) (local.get $d))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $t)))
    (f32.store (i32.const 0) (local.get $fmin))
    (f32.store (i32.const 4) (local.get $fmax))
    (local.get $s))

  (func (export "histogram") (param $p i32) (param $n i32) (param $halfMin f64) (param $halfWidth f64) (param $last i32) (param $counts i32)
    (local $end i32) (local $vend i32) (local $x v128) (local $b v128) (local $hm v128) (local $hw v128) (local $lastv v128) (local $base v128)
    (local $stride i32) (local $bin i32) (local $a i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vend (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $hm (f64x2.splat (local.get $halfMin)))
    (local.set $hw (f64x2.splat (local.get $halfWidth)))
    (local.set $lastv (i32x4.splat (local.get $last)))
    ;; lane k counts into its own array (counts + k·stride): runs of one bin do not serialise on one cell
    (local.set $stride (i32.shl (i32.add (local.get $last) (i32.const 1)) (i32.const 2)))
    (local.set $base (i32x4.add (i32x4.splat (local.get $counts))
      (i32x4.mul (i32x4.splat (local.get $stride)) (v128.const i32x4 0 1 2 3))))
    (block $vdone (loop $v
      (br_if $vdone (i32.ge_u (local.get $p) (local.get $vend)))
      (local.set $x (v128.load (local.get $p)))
      (local.set $b (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        ${bins2('(f64x2.promote_low_f32x4 (local.get $x))')}
        ${bins2(`(f64x2.promote_low_f32x4 ${swapHalves('(local.get $x)')})`)}))
      (local.set $b (i32x4.add (local.get $base) (i32x4.shl (i32x4.min_s (local.get $b) (local.get $lastv)) (i32.const 2))))
      ${bump('(i32x4.extract_lane 0 (local.get $b))')}
      ${bump('(i32x4.extract_lane 1 (local.get $b))')}
      ${bump('(i32x4.extract_lane 2 (local.get $b))')}
      ${bump('(i32x4.extract_lane 3 (local.get $b))')}
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $v)))
    (block $done (loop $t
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $bin (i32x4.extract_lane 0 ${bins2('(f64x2.splat (f64.promote_f32 (f32.load (local.get $p))))')}))
      (local.set $a (i32.add (local.get $counts) (i32.shl
        (select (local.get $last) (local.get $bin) (i32.gt_s (local.get $bin) (local.get $last))) (i32.const 2))))
      ${bump('(local.get $a)')}
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $t))))

  ;; Returns 1 when src holds a NaN (pmin/pmax may have dropped it: the caller takes its exact path).
  (func (export "pool") (param $src i32) (param $C i32) (param $rs i32) (param $rows i32) (param $cs i32) (param $cols i32)
      (param $hi i32) (param $lo i32) (param $out i32) (result i32)
    (local $r i32) (local $i i32) (local $i1 i32) (local $row i32) (local $stride i32) (local $vbytes i32)
    (local $j i32) (local $x v128) (local $h4 v128) (local $l4 v128) (local $nan v128) (local $gmin v128) (local $gmax v128)
    (local $o i32) (local $k i32) (local $k1 i32) (local $h f32) (local $l f32)
    (local.set $stride (i32.shl (local.get $C) (i32.const 2)))
    (local.set $vbytes (i32.shl (i32.and (local.get $C) (i32.const -4)) (i32.const 2)))
    (local.set $gmin (f32x4.splat (f32.const inf)))
    (local.set $gmax (f32x4.splat (f32.const -inf)))
    (block $rdone (loop $rl
      (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $i (i32.load (i32.add (local.get $rs) (i32.shl (local.get $r) (i32.const 2)))))
      (local.set $i1 (i32.load offset=4 (i32.add (local.get $rs) (i32.shl (local.get $r) (i32.const 2)))))
      (local.set $row (i32.add (local.get $src) (i32.mul (local.get $i) (local.get $stride))))
      ;; rows of the block fold into per-column maxima (hi) and minima (lo); the tail (C mod 4) one lane at a time
      (local.set $j (i32.const 0))
      (block $d0 (loop $l0
        (br_if $d0 (i32.ge_u (local.get $j) (local.get $stride)))
        (if (i32.lt_u (local.get $j) (local.get $vbytes))
          (then (local.set $x (v128.load (i32.add (local.get $row) (local.get $j)))))
          (else (local.set $x (f32x4.splat (f32.load (i32.add (local.get $row) (local.get $j)))))))
        (local.set $h4 (local.get $x))
        (local.set $l4 (local.get $x))
        (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $x) (local.get $x))))
        (local.set $k (i32.add (local.get $row) (local.get $stride)))
        (local.set $i (i32.add (i32.load (i32.add (local.get $rs) (i32.shl (local.get $r) (i32.const 2)))) (i32.const 1)))
        (block $idone (loop $il
          (br_if $idone (i32.ge_u (local.get $i) (local.get $i1)))
          (if (i32.lt_u (local.get $j) (local.get $vbytes))
            (then (local.set $x (v128.load (i32.add (local.get $k) (local.get $j)))))
            (else (local.set $x (f32x4.splat (f32.load (i32.add (local.get $k) (local.get $j)))))))
          (local.set $h4 (f32x4.pmax (local.get $h4) (local.get $x)))
          (local.set $l4 (f32x4.pmin (local.get $l4) (local.get $x)))
          (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $x) (local.get $x))))
          (local.set $k (i32.add (local.get $k) (local.get $stride)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $il)))
        (if (i32.lt_u (local.get $j) (local.get $vbytes))
          (then
            (v128.store (i32.add (local.get $hi) (local.get $j)) (local.get $h4))
            (v128.store (i32.add (local.get $lo) (local.get $j)) (local.get $l4))
            (local.set $j (i32.add (local.get $j) (i32.const 16))))
          (else
            (f32.store (i32.add (local.get $hi) (local.get $j)) (f32x4.extract_lane 0 (local.get $h4)))
            (f32.store (i32.add (local.get $lo) (local.get $j)) (f32x4.extract_lane 0 (local.get $l4)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))))
        (br $l0)))
      (if (i32.eqz (local.get $cs))
        (then
          ;; columns are not pooled (cs = 0): pick four at a time
          (local.set $j (i32.const 0))
          (block $d4 (loop $l4
            (br_if $d4 (i32.ge_u (local.get $j) (local.get $vbytes)))
            (local.set $h4 (v128.load (i32.add (local.get $hi) (local.get $j))))
            (local.set $l4 (v128.load (i32.add (local.get $lo) (local.get $j))))
            (v128.store (i32.add (local.get $out) (local.get $j)) ${pick('(local.get $h4)', '(local.get $l4)')})
            (local.set $gmax (f32x4.pmax (local.get $gmax) (local.get $h4)))
            (local.set $gmin (f32x4.pmin (local.get $gmin) (local.get $l4)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $l4)))
          (block $d5 (loop $l5
            (br_if $d5 (i32.ge_u (local.get $j) (local.get $stride)))
            (local.set $h4 (f32x4.splat (f32.load (i32.add (local.get $hi) (local.get $j)))))
            (local.set $l4 (f32x4.splat (f32.load (i32.add (local.get $lo) (local.get $j)))))
            (f32.store (i32.add (local.get $out) (local.get $j)) (f32x4.extract_lane 0 ${pick('(local.get $h4)', '(local.get $l4)')}))
            (local.set $gmax (f32x4.pmax (local.get $gmax) (local.get $h4)))
            (local.set $gmin (f32x4.pmin (local.get $gmin) (local.get $l4)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $l5)))
          (local.set $out (i32.add (local.get $out) (local.get $stride))))
        (else
          ;; columns fold into blocks
          (local.set $o (i32.const 0))
          (block $odone (loop $ol
            (br_if $odone (i32.ge_u (local.get $o) (local.get $cols)))
            (local.set $k (i32.shl (i32.load (i32.add (local.get $cs) (i32.shl (local.get $o) (i32.const 2)))) (i32.const 2)))
            (local.set $k1 (i32.shl (i32.load offset=4 (i32.add (local.get $cs) (i32.shl (local.get $o) (i32.const 2)))) (i32.const 2)))
            (local.set $h (f32.load (i32.add (local.get $hi) (local.get $k))))
            (local.set $l (f32.load (i32.add (local.get $lo) (local.get $k))))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (block $kdone (loop $kl
              (br_if $kdone (i32.ge_u (local.get $k) (local.get $k1)))
              (local.set $h (f32.max (local.get $h) (f32.load (i32.add (local.get $hi) (local.get $k)))))
              (local.set $l (f32.min (local.get $l) (f32.load (i32.add (local.get $lo) (local.get $k)))))
              (local.set $k (i32.add (local.get $k) (i32.const 4)))
              (br $kl)))
            (local.set $h4 (f32x4.splat (local.get $h)))
            (local.set $l4 (f32x4.splat (local.get $l)))
            (f32.store (local.get $out) (f32x4.extract_lane 0 ${pick('(local.get $h4)', '(local.get $l4)')}))
            (local.set $gmax (f32x4.pmax (local.get $gmax) (local.get $h4)))
            (local.set $gmin (f32x4.pmin (local.get $gmin) (local.get $l4)))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))
            (br $ol)))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rl)))
    (f32.store (i32.const 0) (call $hmin (local.get $gmin)))
    (f32.store (i32.const 4) (call $hmax (local.get $gmax)))
    (v128.any_true (local.get $nan)))
)
`;
