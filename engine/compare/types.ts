/**
 * Compare mode ("diff my backprop"): the vocabulary shared by the layout reader, the equation
 * chain, the diagnoses and the report file `backprop-lens/compare-report` version 1
 * (docs/formats.md). Pure types and constants: no math here.
 */

/** One array the user's code produced, as the array readers (engine/io/arrays) return it: any layout, any dtype. */
import type { NamedArray } from '../io/arrays/types.js';
export type { NamedArray };

/** Quantity kinds of FORMATS.md, with its 0-based layer numbering. */
export const QUANTITY_KINDS = ['A', 'H', 'output', 'loss', 'G', 'dW', 'db', 'dX'] as const;
export type QuantityKind = (typeof QUANTITY_KINDS)[number];

export interface QuantityId {
  /** A_i: layer i (its input); H_i, G_i, dW_i, db_i: layer i; output and loss: L−1; dX: 0. */
  readonly layer: number;
  readonly quantity: QuantityKind;
}

export const DIAGNOSIS_CODES = [
  'dW-uses-H',
  'derivative-at-A',
  'wrong-derivative',
  'missing-derivative',
  'relu-at-zero',
  'sign',
  'scale',
  'transposed',
  'wrong-weights',
  'db-axis',
  'forward-activation',
  'unknown',
] as const;
export type DiagnosisCode = (typeof DIAGNOSIS_CODES)[number];

export type QuantityStatus = 'ok' | 'inherited' | 'new-error' | 'missing';
export type Verdict = 'match' | 'rounding' | 'diverges';

/** rows: FORMATS (sample per row, W fan-in × fan-out); columns: the course convention; pytorch: nn.Linear names. */
export type LayoutName = 'rows' | 'columns' | 'pytorch';
/** How a layout choice was made, strongest first. */
export type LayoutEvidence = 'flag' | 'shapes' | 'names' | 'values' | 'default';

export interface LayoutReport {
  readonly name: LayoutName;
  /** Sample axis of A/H/G/dX/output: one sample per row or per column. */
  readonly samples: 'rows' | 'columns';
  /** W and ∂L/∂W as fan-in × fan-out (FORMATS) or out × in (course notes, nn.Linear). */
  readonly weights: 'in×out' | 'out×in';
  /** Index of the first layer in the user's names (0 in FORMATS, 1 in the course convention). */
  readonly base: 0 | 1;
  readonly orientationFrom: LayoutEvidence;
  readonly baseFrom: LayoutEvidence;
  /** Their name → ours (FORMATS' rows names: H0, A1, G0, dW0, db0, dX, loss, output, W0, b0, X, Y). */
  readonly mapping: Readonly<Record<string, string>>;
  /** What was assumed and why, in words (square layers, ignored arrays...). */
  readonly notes: readonly string[];
}

export interface DiagnosisEvidence {
  /** max |theirs − the equation on their own inputs|. */
  /** null when their shape differs from the right one (transposed, db-axis). */
  readonly errorBefore: number | null;
  /** max |theirs − the hypothesis on their own inputs| (for `unknown`: same as errorBefore). */
  readonly errorAfter: number;
  /** What counts as "reproduces to rounding": the float32 bound of this equation on their inputs. */
  readonly tolerance: number;
  /** For `unknown`: the largest element-wise differences (theirs − expected), at most 5. */
  readonly worst?: readonly { readonly index: readonly [number, number]; readonly theirs: number; readonly expected: number }[];
}

export interface Diagnosis extends QuantityId {
  readonly code: DiagnosisCode;
  /** Our name of the quantity (dW1, G0, ...) and theirs. */
  readonly name: string;
  readonly theirName: string;
  /** For `scale`: theirs = factor × right. */
  readonly factor?: number;
  /** A short description of the misconception, e.g. "∂L/∂W_1 = H_0ᵀG_1: ...". */
  readonly explanation: string;
  /** The equation their value satisfies (rows notation). */
  readonly theirEquation: string;
  readonly evidence: DiagnosisEvidence;
}

export interface QuantityReport extends QuantityId {
  readonly name: string;
  readonly theirName: string | null;
  /** The equation in FORMATS' rows notation, e.g. "G_0 = act'(H_0) ⊙ (G_1 W_1ᵀ)". */
  readonly equation: string;
  readonly status: QuantityStatus;
  /** [rows, cols] in FORMATS' rows layout (loss: [1, 1], db: [1, p]). */
  readonly shape: readonly [number, number];
  /** max |theirs − reference| (null when missing or not comparable). */
  readonly maxAbsError: number | null;
  /** maxAbsError / max |reference| (null when missing or the reference is all zero). */
  readonly relativeError: number | null;
  /** max |theirs − this equation evaluated on THEIR upstream arrays|. */
  readonly localError: number | null;
  /** The float32 rounding bound of this equation on their inputs: localError above it is a new error. */
  readonly localBound: number | null;
  /** dW/db only: max |theirs − reference| / σ of float32 rounding (engine/gradcheck/rounding-scale). */
  readonly roundingSigmas?: number;
}

export interface RoundingSummary {
  /** Largest localError / localBound over every quantity (≤ 1: each equation right to float32 rounding). */
  readonly worstLocalRatio: number;
  readonly worstLocalQuantity: string | null;
  /** Largest |theirs − reference| / σ over ∂L/∂W and ∂L/∂b, and the σ allowed (gradcheck's default). */
  readonly worstGradientSigmas: number;
  readonly allowedSigmas: number;
}

export const COMPARE_REPORT_FORMAT = 'backprop-lens/compare-report';
export const COMPARE_REPORT_VERSION = 1;

export interface CompareReport {
  readonly format: typeof COMPARE_REPORT_FORMAT;
  readonly version: typeof COMPARE_REPORT_VERSION;
  readonly verdict: Verdict;
  readonly layout: LayoutReport;
  readonly model: { readonly inputSize: number; readonly units: readonly number[]; readonly activations: readonly string[]; readonly loss: string };
  readonly samples: number;
  /** The dtypes their arrays came in (e.g. ["float32"]). */
  readonly dtypes: readonly string[];
  readonly firstError: QuantityId | null;
  /** Ordered: the first is the first error's. */
  readonly diagnoses: readonly Diagnosis[];
  /** Every quantity in dependency order (forward, loss, then backward layer L−1 … 0, dX). */
  readonly quantities: readonly QuantityReport[];
  /** Our names of the quantities their arrays did not include. */
  readonly missing: readonly string[];
  /** Filled when verdict is `rounding`: how close to float32 rounding the differences are. */
  readonly rounding: RoundingSummary | null;
}

/** Unusable input (wrong shapes, unknown names, NaN/Inf, inconsistent weights): exit 2 in the CLI. */
export class CompareInputError extends Error {
  override readonly name = 'CompareInputError';
  readonly userFacing = true;
}
