/** The text forms of compare's options (CLI flags, protocol strings). */
import { CompareInputError } from './types.js';

/** "mine=ours,grad_w1=dW0" → { mine: 'ours', grad_w1: 'dW0' }. */
export function parseMapOption(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) {
      throw new CompareInputError(`--map: "${part}" is not yours=ours (e.g. --map grad_w1=dW0,out=output)`);
    }
    const mine = part.slice(0, eq).trim();
    if (mine in out) throw new CompareInputError(`--map: ${mine} is mapped twice`);
    out[mine] = part.slice(eq + 1).trim();
  }
  return out;
}
