/**
 * Minimal repro: from a breakpoint hit (or any step) of a session, a small session holding only
 * what that step needs: the weights and optimizer state before it, its batch (as trained on:
 * split, shuffled and normalised), and the breakpoint. Opened and run for one step, it computes the
 * same forward and backward pass and stops at the same op with the same hit: the batch becomes the
 * whole (full-batch) training set, in the order the step used it.
 */
import { gatherRows } from '../core/matrix.js';
import { BatchSchedule } from '../train/batching.js';
import { isRestorable, stepRuns } from '../train/history.js';
import type { Session } from '../train/session.js';
import type { BreakpointCondition } from '../train/types.js';
import type { SessionContents } from './types.js';

export interface ReproRequest {
  /** The step (1-based) to reproduce: the one a hit happened in. */
  readonly step: number;
  /** The breakpoints to carry (the hit's condition); none for a plain step. */
  readonly breakpoints?: readonly BreakpointCondition[];
  /** The hit, for the manifest (op label and message). */
  readonly hit?: { readonly op: string; readonly message: string };
  readonly datasetName?: string;
  readonly notes?: string;
  readonly createdWith?: { readonly name: string; readonly version: string };
}

export function minimalRepro(session: Session, request: ReproRequest): SessionContents {
  const { step } = request;
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`repro: step must be an integer ≥ 1, got ${step}`);
  if (request.breakpoints?.some((b) => b.kind === 'loss-spike'))
    throw new RangeError(
      'repro: a loss-spike hit depends on the losses before it and cannot be reproduced by one step',
    );
  const before = session.history.toArray().find((e) => e.step === step - 1);
  if (!before || !isRestorable(before)) {
    const kept = session.history
      .toArray()
      .filter(isRestorable)
      .map((e) => e.step + 1);
    throw new RangeError(
      `repro: the state before step ${step} is not kept in the history (steps that can be reproduced: ${stepRuns(kept)})`,
    );
  }
  const config = session.config;
  const rows = new BatchSchedule(session.trainRows, config.batchSize, config.seed).slot(step - 1).rows;
  const X = gatherRows(session.data.X, rows);
  const Y = gatherRows(session.data.Y, rows);
  return {
    ...(request.createdWith ? { createdWith: request.createdWith } : {}),
    source: { kind: 'local', description: `minimal repro of step ${step}` },
    seed: config.seed,
    model: config.model,
    training: { optimizer: config.optimizer, batchSize: 'full', validationFraction: 0, init: 'given', historySize: 2 },
    precision: session.backend.precision,
    backend: session.backend.name,
    position: { step: step - 1, epoch: before.epoch },
    state: { step: step - 1, epoch: before.epoch, parameters: before.parameters, optimizer: before.optimizer },
    breakpoints: request.breakpoints ?? [],
    dataset: { name: request.datasetName ?? `batch of step ${step}`, data: { X, Y } },
    ...(session.preprocessing ? { preprocessing: session.preprocessing as unknown as Record<string, unknown> } : {}),
    notes: request.notes ?? `The batch and weights of step ${step}: run one step to reproduce it.`,
    lossCurve: [],
    history: [],
    ...(request.hit ? { repro: { step, op: request.hit.op, message: request.hit.message } } : {}),
  };
}
