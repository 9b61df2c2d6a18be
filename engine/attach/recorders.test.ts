/** Both `serve --record` recorders keep the loss of every received step, not only of the full ones. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AttachedRun } from './attached-run.js';
import type { AttachRecorder } from './attached-run.js';
import type { StepMessage } from './messages.js';
import { parseClientMessage } from './messages.js';
import { FrameReader } from './wire.js';
import { helloFor, stepFrame } from './attach-test-kit.js';
import { FileRecorder } from './node-recorder.js';
import { parseRecording } from './recording.js';
import { SessionFileRecording } from './session-recording.js';
import { decodeSession } from '../session-file/read.js';

/** 2 → 1 (identity): W, b at full resolution, as a full step that a .bplens can keep. */
function fullStep(step: number, loss: number): Uint8Array {
  return stepFrame(step, loss, {
    W_0: { rows: 2, cols: 1, data: [0.5, -0.5] },
    b_0: { rows: 1, cols: 1, data: [0.1] },
  });
}

/** A fast loop as the client sends it: steps 1–3 as a losses batch, step 4 full, 5–6 batched again. */
function feed(recorder: AttachRecorder): void {
  const run = new AttachedRun(helloFor([{ units: 1, activation: 'identity' }]), { send: () => {}, recorder });
  run.receiveLosses({ type: 'losses', points: [[1, 0.9], [2, 0.8], [3, 0.7]] });
  for (const f of new FrameReader({ expectMagic: false }).push(fullStep(4, 0.6)))
    run.receive(parseClientMessage(f.header) as StepMessage, f.payload);
  run.receiveLosses({ type: 'losses', points: [[5, 0.5], [6, 'NaN']] });
}

describe('serve --record keeps every received step', () => {
  it('attach recording: a line per step, tensors only on the full one', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bplens-rec-')), 'run.jsonl');
    const rec = new FileRecorder(file);
    feed(rec);
    await rec.close();
    const r = parseRecording(readFileSync(file, 'utf8'), file);
    expect(r.steps.map((s) => [s.step, s.loss, s.tensors.size])).toEqual([
      [1, 0.9, 0],
      [2, 0.8, 0],
      [3, 0.7, 0],
      [4, 0.6, 2],
      [5, 0.5, 0],
      [6, NaN, 0],
    ]);
    expect([rec.steps, rec.fullSteps]).toEqual([6, 1]);
  });

  it('.bplens: the whole loss curve, the weights of the full step', async () => {
    let bytes: Uint8Array | null = null;
    const rec = new SessionFileRecording([], (b) => {
      bytes = b;
      return Promise.resolve();
    });
    feed(rec);
    await rec.close();
    const c = (await decodeSession(bytes!)).contents;
    expect(c.lossCurve.map((p) => [p.step, p.loss])).toEqual([
      [1, 0.9],
      [2, 0.8],
      [3, 0.7],
      [4, 0.6],
      [5, 0.5],
      [6, NaN],
    ]);
    expect(c.history.map((h) => [h.step, h.loss, h.parameters !== null])).toEqual([[3, 0.7, true]]);
    expect([rec.steps, rec.fullSteps]).toEqual([6, 1]);
  });
});
