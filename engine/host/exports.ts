/**
 * The `export` command's files: weights and gradients in the FORMATS.md formats (engine/io
 * writes them), and the loss history as CSV.
 */
import { gatherRows } from '../core/matrix.js';
import type { LabeledDataset } from '../data/types.js';
import { serializeGradients, serializeWeights } from '../io/index.js';
import { forwardBackward } from '../train/forward-backward.js';
import type { Session } from '../train/session.js';
import type { EventOf } from '../protocol/events.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';

/** The text exports (binary ones: session-files.ts). */
export type ExportKind = Extract<EventOf<'export'>['what'], 'weights' | 'gradients' | 'loss-history'>;

/** A file-name stem from a data set name: its file extensions dropped (iris.csv.gz → iris), unsafe characters replaced. */
export const slug = (s: string): string =>
  s
    .replace(/(\.(csv|tsv|txt|data|dat|json|npy|npz|idx\d?|ubyte|gz))+$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80) || 'data';

/** At most this many training rows go into a gradients export (the file holds every A_i, H_i, G_i). */
export const GRADIENT_EXPORT_ROWS = 256;

export async function buildExport(
  what: ExportKind,
  session: Session,
  dataset: LabeledDataset,
): Promise<Omit<EventOf<'export'>, 'replyTo'>> {
  const step = session.position.step;
  const base = `${slug(dataset.meta.name)}-step${step}`;
  const head = { v: PROTOCOL_VERSION, type: 'export' as const, what };
  switch (what) {
    case 'weights': {
      const parameters = await session.parameters();
      const summary = session.summary();
      const cfg = session.config;
      const contents = serializeWeights({
        model: cfg.model,
        parameters,
        ...(dataset.meta.preprocessing
          ? { preprocessing: dataset.meta.preprocessing as unknown as Record<string, never> }
          : {}),
        training: {
          steps: step,
          optimizer: cfg.optimizer.kind,
          learningRate: cfg.optimizer.lr,
          batchSize: cfg.batchSize,
          seed: cfg.seed,
          ...(summary ? { finalLoss: summary.loss, finalValidationLoss: summary.validationLoss } : {}),
          backend: session.backend.name,
        },
        dataset: {
          name: dataset.meta.name,
          features: [...dataset.meta.featureNames],
          targets: [...dataset.meta.targetNames],
          samples: dataset.X.rows,
        },
        createdWith: { name: 'backprop-lens' },
      });
      return { ...head, fileName: `${base}-weights.json`, mimeType: 'application/json', contents };
    }
    case 'gradients': {
      // The current parameters on the first training rows (the training rows are already shuffled by seed).
      const rows = session.trainRows.subarray(0, Math.min(session.trainRows.length, GRADIENT_EXPORT_ROWS));
      const X = gatherRows(dataset.X, rows);
      const Y = gatherRows(dataset.Y, rows);
      const fb = await forwardBackward(session.backend, session.config.model, await session.parameters(), X, Y);
      const contents = serializeGradients({
        backend: fb.backend,
        loss: fb.loss,
        output: fb.output,
        layers: fb.layers.map((l) => ({ A: l.A, H: l.H, G: l.G, dW: l.dW, db: l.db })),
        dX: fb.dX,
      });
      return { ...head, fileName: `${base}-gradients.json`, mimeType: 'application/json', contents };
    }
    case 'loss-history': {
      const lines = ['step,loss,validation_loss'];
      for (const p of session.lossCurve()) lines.push(`${p.step},${p.loss},${p.validationLoss ?? ''}`);
      return { ...head, fileName: `${base}-loss.csv`, mimeType: 'text/csv', contents: `${lines.join('\n')}\n` };
    }
  }
}
