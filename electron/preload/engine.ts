/** Preload of the hidden engine window: only the engine port, no API. */
import { forwardEnginePort } from './forward-port.js';

forwardEnginePort();
