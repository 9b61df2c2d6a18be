/**
 * Any failure while handling a command becomes one `error` event that says what and where; only
 * a lost GPU device is fatal (the dashboard restarts the engine).
 */
import { isDatasetError } from '../data/errors.js';
import { ModelSpecError } from '../model/spec.js';
import { FormatError } from '../io/format-error.js';
import { WebGpuDeviceLostError } from '../backends/webgpu/errors.js';
import type { ErrorCode, EventOf } from '../protocol/events.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';

/** Thrown by handlers for a command that does not fit the engine's state (e.g. start before configure). */
export class InvalidStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStateError';
  }
}

/** A long command stopped by a pause (or a newer command) before it finished. */
export class CancelledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CancelledError';
  }
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** A command field that does not fit the engine's model (e.g. a checkpoint of another shape); `path` is its key path. */
export class FieldError extends RangeError {
  constructor(
    message: string,
    readonly path: string | null,
  ) {
    super(message);
    this.name = 'FieldError';
  }
}

export function errorEvent(
  e: unknown,
  command: string | null,
  replyTo: number | undefined,
  defaultCode: ErrorCode = 'internal',
): EventOf<'error'> {
  let code: ErrorCode = defaultCode;
  let path: string | null = null;
  let fatal = false;
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof InvalidStateError) code = 'invalid-state';
  else if (e instanceof CancelledError) code = 'cancelled';
  else if (e instanceof NotFoundError) code = 'not-found';
  else if (isDatasetError(e)) {
    code = 'dataset-error';
    path = e.field ?? null;
  } else if (e instanceof ModelSpecError) {
    code = 'config-error';
    path = e.path;
  } else if (e instanceof FieldError) {
    code = 'config-error';
    path = e.path;
  } else if (e instanceof FormatError) {
    code = 'file-error';
  } else if (e instanceof WebGpuDeviceLostError) {
    code = 'device-lost';
    fatal = true;
  } else if (e instanceof Error && ['CompareInputError', 'ArrayFileError', 'FormatError'].includes(e.name)) {
    // The user's arrays, weights or batch for `compare` cannot be used: the message names which.
    code = 'config-error';
  } else if (e instanceof RangeError || (e instanceof Error && e.name === 'ParameterError')) {
    code = command === 'load-dataset' ? 'dataset-error' : 'config-error';
  }
  const event: EventOf<'error'> = { v: PROTOCOL_VERSION, type: 'error', code, message, path, command, fatal };
  return replyTo === undefined ? event : { ...event, replyTo };
}
