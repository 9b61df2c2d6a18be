/** `info` for the files that are not JSON or datasets: .bplens sessions, and .npz/.safetensors/.onnx weights. */
import { readWeightsAnyFormat } from '../../io/interop/node-weight-files.js';
import { readSessionFileManifest } from '../../session-file/node-session-files.js';
import type { CliIo } from '../cli-io.js';
import { architecture, plural } from '../format.js';
import { describeManifest } from './session.js';

/** True when it described the file; false for anything the dataset and JSON readers handle. */
export async function describeOtherFormat(path: string, name: string, io: CliIo): Promise<boolean> {
  const lower = path.toLowerCase();
  if (lower.endsWith('.bplens')) {
    io.stdout.write(describeManifest(await readSessionFileManifest(path, name), name));
    return true;
  }
  const format = ['.safetensors', '.onnx'].find((ext) => lower.endsWith(ext));
  if (!format) return false;
  const { weights, notes } = await readWeightsAnyFormat(path, name);
  const params = weights.parameters.W.reduce((n, W, i) => n + W.data.length + weights.parameters.b[i]!.data.length, 0);
  io.stdout.write(
    `${name}: weights (${format.slice(1)})\nmodel: ${architecture(weights.model)}; loss ${weights.model.loss}; ${plural(params, 'parameter')}\n`,
  );
  for (const n of notes) io.stdout.write(`note: ${n}\n`);
  return true;
}
