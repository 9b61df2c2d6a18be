import type { ProtocolVersion } from './version.js';

/** What every event carries: the protocol version, and the id of the command it answers. */
export interface EventBase {
  readonly v: ProtocolVersion;
  readonly replyTo?: number;
}
