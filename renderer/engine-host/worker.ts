/**
 * Web mode: the engine in a module Web Worker. The worker's own scope is the port.
 */
import type { Endpoint } from '../../engine/protocol/index.js';
import { bindEngine } from './bind.js';

bindEngine(self as unknown as Endpoint);
