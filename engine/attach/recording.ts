/**
 * The attach recording, `backprop-lens/attach-recording` version 1 (docs/formats.md): JSON lines,
 * a header line with the client's hello (token removed), then one line per received step: a full
 * step with its tensors as base64 little-endian float32, any other step with its loss only (no
 * tensors) — appendable while the run goes on, readable without Python. It stands in for the `.bplens` session file until that writer exists (issue 12).
 */
import { z } from 'zod';
import { FormatError } from '../io/format-error.js';
import type { BreakpointHit } from '../train/types.js';
import { TENSOR_NAMES, helloSchema } from './messages.js';
import type { HelloMessage } from './messages.js';
import type { ReceivedStep } from './step-decode.js';

export const RECORDING_FORMAT = 'backprop-lens/attach-recording';
export const RECORDING_VERSION = 1;

function toBase64(data: Float32Array): string {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let s = '';
  for (let k = 0; k < bytes.length; k += 0x8000) s += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Float32Array {
  const bin = atob(text);
  const out = new Float32Array(bin.length >> 2);
  const bytes = new Uint8Array(out.buffer);
  for (let k = 0; k < out.length * 4; k++) bytes[k] = bin.charCodeAt(k);
  return out;
}

const jsonNumber = (x: number): number | string => (Number.isFinite(x) ? x : String(x));

export function recordingHeaderLine(hello: HelloMessage, startedAt: string): string {
  const { token: _token, ...rest } = hello;
  void _token;
  return JSON.stringify({ format: RECORDING_FORMAT, version: RECORDING_VERSION, startedAt, hello: rest }) + '\n';
}

export function recordingStepLine(step: ReceivedStep, hits: readonly BreakpointHit[]): string {
  const tensors = [...step.tensors.values()].map((t) => ({
    name: t.name,
    index: t.index,
    rows: t.matrix.rows,
    cols: t.matrix.cols,
    sourceRows: t.sourceRows,
    sourceCols: t.sourceCols,
    data: toBase64(t.matrix.data),
  }));
  return (
    JSON.stringify({
      step: step.step,
      loss: jsonNumber(step.loss),
      tensors,
      modules: step.modules,
      hits: hits.map((h) => ({
        kind: h.condition.kind,
        matrix: h.matrix,
        matrixIndex: h.matrixIndex,
        message: h.message,
      })),
    }) + '\n'
  );
}

/** A step received without tensors (its loss came in the client's losses batch): its loss only. */
export function recordingLossLine(point: { readonly step: number; readonly loss: number }): string {
  return JSON.stringify({ step: point.step, loss: jsonNumber(point.loss), tensors: [] }) + '\n';
}

const lineSchema = z.object({
  step: z.number().int().min(1),
  loss: z.union([z.number(), z.string()]),
  tensors: z.array(
    z.object({
      name: z.enum(TENSOR_NAMES),
      index: z.number().int().min(0),
      rows: z.number().int().min(0),
      cols: z.number().int().min(0),
      sourceRows: z.number().int().min(0),
      sourceCols: z.number().int().min(0),
      data: z.string(),
    }),
  ),
  modules: z.array(z.unknown()).optional(),
  hits: z.array(z.object({ kind: z.string(), message: z.string() }).loose()).optional(),
});

export interface RecordedStep {
  readonly step: number;
  readonly loss: number;
  /** "H_0", "dW_1" … → row-major float32 values with their (possibly decimated) shape. */
  readonly tensors: ReadonlyMap<string, { rows: number; cols: number; data: Float32Array }>;
  readonly hits: readonly { kind: string; message: string }[];
  /** Per-module statistics (models that do not map onto FORMATS layers), as the client sent them. */
  readonly modules: readonly unknown[];
}

export interface Recording {
  readonly hello: Omit<HelloMessage, 'token'>;
  readonly steps: readonly RecordedStep[];
}

/** Parses a recording; errors name the line (1-based) and key path. */
export function parseRecording(text: string, file = 'recording'): Recording {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const parseLine = (k: number): unknown => {
    try {
      return JSON.parse(lines[k]!);
    } catch (e) {
      throw new FormatError(`${file}: line ${k + 1}: not JSON (${(e as Error).message})`);
    }
  };
  if (lines.length === 0) throw new FormatError(`${file}: empty file, expected a ${RECORDING_FORMAT} header line`);
  const head = parseLine(0) as { format?: unknown; version?: unknown; hello?: unknown };
  if (head.format !== RECORDING_FORMAT)
    throw new FormatError(`${file}: line 1: format is ${JSON.stringify(head.format)}, expected "${RECORDING_FORMAT}"`);
  if (head.version !== RECORDING_VERSION)
    throw new FormatError(`${file}: line 1: version ${String(head.version)} is not supported (expected 1)`);
  const hello = helloSchema.omit({ token: true }).safeParse(head.hello);
  if (!hello.success)
    throw new FormatError(
      `${file}: line 1: hello.${hello.error.issues[0]!.path.join('.')}: ${hello.error.issues[0]!.message}`,
    );
  const steps: RecordedStep[] = [];
  for (let k = 1; k < lines.length; k++) {
    const parsed = lineSchema.safeParse(parseLine(k));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new FormatError(`${file}: line ${k + 1}: ${issue.path.join('.') || '(line)'}: ${issue.message}`);
    }
    const s = parsed.data;
    const tensors = new Map<string, { rows: number; cols: number; data: Float32Array }>();
    s.tensors.forEach((t, j) => {
      const data = fromBase64(t.data);
      if (data.length !== t.rows * t.cols)
        throw new FormatError(
          `${file}: line ${k + 1}: tensors.${j}.data: ${data.length} values for ${t.rows}×${t.cols}`,
        );
      tensors.set(`${t.name}_${t.index}`, { rows: t.rows, cols: t.cols, data });
    });
    steps.push({
      step: s.step,
      loss: typeof s.loss === 'number' ? s.loss : Number(s.loss),
      tensors,
      hits: s.hits ?? [],
      modules: s.modules ?? [],
    });
  }
  return { hello: hello.data, steps };
}
