/**
 * PLACEHOLDER entry (desktop-shell engineer): the dashboard engineer replaces this file with the
 * real app. It starts the engine through the transport so web mode and the e2e tests work now.
 */
import { getEngineClient } from './transport/index.js';

const root = document.getElementById('app');
const client = getEngineClient();
client.onStatus((s) => {
  if (root) root.textContent = `Backprop Lens — engine ${s.state}${s.backend ? ` on ${s.backend.name}` : ''}${s.reason ? ` (${s.reason})` : ''}`;
});
