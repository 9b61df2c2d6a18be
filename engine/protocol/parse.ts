/**
 * The engine's front door: turns whatever arrived on the port into a typed command, or into the
 * `error` event to send back. It never throws, whatever it is given.
 */
import type { z } from 'zod';
import { commandSchema, COMMAND_TYPES } from './commands.js';
import type { Command } from './commands.js';
import type { EventOf } from './events.js';
import { PROTOCOL_VERSION } from './version.js';

export type ParseResult = { ok: true; command: Command } | { ok: false; error: EventOf<'error'> };

/** "config.model.layers[1].units" from zod's path array. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function error(
  message: string,
  code: 'invalid-message' | 'unsupported-version',
  path: string | null,
  command: string | null,
  replyTo: number | undefined,
): ParseResult {
  const e: EventOf<'error'> = { v: PROTOCOL_VERSION, type: 'error', code, message, path, command, fatal: false };
  return { ok: false, error: replyTo === undefined ? e : { ...e, replyTo } };
}

function describe(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  return where === '' ? issue.message : `${where}: ${issue.message}`;
}

export function parseCommand(data: unknown): ParseResult {
  try {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      return error(
        `a command must be an object, got ${data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data}`,
        'invalid-message',
        null,
        null,
        undefined,
      );
    }
    const raw = data as { v?: unknown; id?: unknown; type?: unknown };
    const id = typeof raw.id === 'number' && Number.isInteger(raw.id) && raw.id >= 0 ? raw.id : undefined;
    const type = typeof raw.type === 'string' ? raw.type : null;
    if (raw.v !== PROTOCOL_VERSION) {
      return error(
        `protocol version ${JSON.stringify(raw.v) ?? 'missing'} is not supported (this engine speaks v${PROTOCOL_VERSION})`,
        'unsupported-version',
        'v',
        type,
        id,
      );
    }
    if (type === null || !(COMMAND_TYPES as string[]).includes(type)) {
      return error(
        `unknown command type ${JSON.stringify(raw.type) ?? 'missing'} (expected one of ${COMMAND_TYPES.join(', ')})`,
        'invalid-message',
        'type',
        type,
        id,
      );
    }
    const parsed = commandSchema.safeParse(data);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
      return error(
        `${type}: ${first ? describe(first) : 'invalid'}${more}`,
        'invalid-message',
        first ? formatPath(first.path) : null,
        type,
        id,
      );
    }
    return { ok: true, command: parsed.data };
  } catch (e) {
    // Hostile inputs (getters that throw, revoked proxies) must not take the engine down.
    return error(
      `unreadable command: ${e instanceof Error ? e.message : String(e)}`,
      'invalid-message',
      null,
      null,
      undefined,
    );
  }
}
