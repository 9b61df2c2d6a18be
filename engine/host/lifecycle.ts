/**
 * The session's lifecycle: a dataset is loaded, a configuration makes a session on a backend
 * chosen for the model's size, `reset` makes it again from the same seed, and a new dataset or
 * configuration (or dispose) drops the old session and its backend.
 */
import type { BreakpointCondition, TrainConfig } from '../train/types.js';
import type { LabeledDataset } from '../data/types.js';
import { Session } from '../train/session.js';
import { layerWidths } from '../model/spec.js';
import type { CommandOf, ProtocolTrainConfig } from '../protocol/commands.js';
import { transferablesOf } from '../protocol/matrix-payload.js';
import { datasetPreview } from './dataset-preview.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import type { ProvidedBackend } from './backend-provider.js';
import { CancelledError, InvalidStateError } from './errors.js';
import { HostTimeTravel } from './time-travel.js';
import { toMatrix } from './host-core.js';

export abstract class HostLifecycle extends HostTimeTravel {
  /** The file the dataset was read from (null: a built-in, matrices, a session file): what a session can refer to. */
  protected datasetFile: {
    readonly fileName: string;
    readonly bytes: Uint8Array;
    readonly read: Readonly<Record<string, unknown>>;
  } | null = null;

  protected async loadDataset(c: CommandOf<'load-dataset'>): Promise<void> {
    this.stopRun();
    // A pause while a big file loads cancels the load (the provider yields between slices).
    const token = this.runToken;
    let lastProgress = 0;
    const ds = await this.opts.datasetProvider(c.source, (p) => {
      if (token !== this.runToken || this.disposed) throw new CancelledError('loading the data set was cancelled');
      const t = this.opts.now();
      if (t - lastProgress < 100) return;
      lastProgress = t;
      this.post(
        {
          type: 'progress',
          task: 'load-dataset',
          done: p.done,
          total: p.total,
          message: `reading ${c.source.kind === 'file' ? c.source.fileName : 'data'}`,
        },
        c.id,
      );
    });
    await this.dropSession();
    this.dataset = ds;
    const s = c.source;
    this.datasetFile = s.kind === 'file' ? { fileName: s.fileName, bytes: s.bytes, read: s.options } : null;
    this.announceDataset(ds, c.id);
    this.postState('loaded');
  }

  protected async configure(c: CommandOf<'configure'>): Promise<void> {
    if (!this.dataset) throw new InvalidStateError('configure: load a dataset first');
    this.stopRun();
    const { backend: preference, ...rest } = c.config;
    const config: TrainConfig = {
      ...rest,
      init:
        typeof rest.init === 'string'
          ? rest.init
          : { parameters: { W: rest.init.parameters.W.map(toMatrix), b: rest.init.parameters.b.map(toMatrix) } },
    };
    await this.createSession(config, preference);
    this.announceConfigured(config, c.id);
    this.postState('configured');
  }

  /** `dataset-loaded` for the host's dataset (after load-dataset, and after open-session). */
  protected announceDataset(ds: LabeledDataset, id: number | undefined): void {
    const preview = datasetPreview(ds);
    this.post(
      {
        type: 'dataset-loaded',
        name: ds.meta.name,
        samples: ds.X.rows,
        inputSize: ds.X.cols,
        outputSize: ds.Y.cols,
        featureNames: ds.meta.featureNames,
        targetNames: ds.meta.targetNames,
        classNames: ds.meta.classNames,
        preview,
        ...(ds.meta.inferred ? { inferred: ds.meta.inferred } : {}),
      },
      id,
      transferablesOf([preview.X, preview.Y]),
    );
  }

  /** `configured` for the session just created. */
  protected announceConfigured(config: TrainConfig, id: number | undefined): void {
    const session = this.session!;
    const widths = layerWidths(config.model);
    this.post(
      {
        type: 'configured',
        parameterCount: widths.slice(1).reduce((n, w, i) => n + widths[i]! * w + w, 0),
        shapes: config.model.layers.map((_, i) => ({
          layer: i,
          W: [widths[i]!, widths[i + 1]!] as const,
          b: [1, widths[i + 1]!] as const,
        })),
        ops: session.ops(),
        trainSize: session.trainRows.length,
        validationSize: session.validationRows.length,
        backend: this.sessionBackend!.info,
        preprocessing: session.preprocessing,
      },
      id,
    );
  }

  /**
   * A new session for `config`. The backend is chosen for the model's size (or as requested);
   * `reuseBackend` keeps the current one (reset: same model, same choice, no new GPU device).
   */
  protected async createSession(
    config: TrainConfig,
    preference: ProtocolTrainConfig['backend'],
    reuseBackend = false,
  ): Promise<void> {
    const keep = reuseBackend ? this.sessionBackend : null;
    await this.dropSession(keep === null);
    let provided = keep;
    if (!provided) {
      const n = this.dataset!.X.rows;
      const trainRows = Math.max(1, n - Math.floor(n * config.validationFraction));
      const batchSize = config.batchSize === 'full' ? trainRows : Math.min(config.batchSize, trainRows);
      provided = await this.opts.backendProvider.create({
        spec: config.model,
        batchSize,
        ...(preference ? { requested: preference } : {}),
      });
      this.watchBackend(provided);
    }
    this.sessionBackend = provided;
    this.session = await Session.create(config, this.dataset!, provided.backend, {
      breakpoints: this.validBreakpoints(config),
      // Compute only what is streamed: histograms cost a pass over four matrices per layer per step.
      ...(this.telemetry.histograms ? {} : { histogramBins: null }),
    });
    this.session.setRecordPolicy(this.shouldRecord);
    this.config = config;
    this.configBackend = preference;
    this.lastFrameStep = 0;
    this.msPerStep = Infinity;
    this.pacing.reset();
  }

  /** Breakpoints naming layers the new model lacks are dropped rather than failing the configuration. */
  protected validBreakpoints(config: TrainConfig): BreakpointCondition[] {
    const L = config.model.layers.length;
    return this.breakpoints.filter((b) => !('layer' in b) || b.layer === undefined || b.layer < L);
  }

  protected watchBackend(p: ProvidedBackend): void {
    p.onLost?.((message) => {
      if (this.disposed || this.sessionBackend !== p) return;
      this.fatal = true;
      this.stopRun();
      this.send({
        v: PROTOCOL_VERSION,
        type: 'error',
        code: 'device-lost',
        message,
        path: null,
        command: null,
        fatal: true,
      });
    });
  }

  /** Disposes the session and, unless it is kept for the next one, its backend (GPU device, worker threads). */
  protected async dropSession(disposeBackend = true): Promise<void> {
    const s = this.session;
    const b = this.sessionBackend;
    this.session = null;
    if (s) await s.dispose().catch(() => undefined);
    if (disposeBackend && b) {
      this.sessionBackend = null;
      try {
        b.backend.dispose();
      } catch {
        // Already gone (a lost device): nothing left to free.
      }
    }
  }

  protected async reset(c: CommandOf<'reset'>): Promise<void> {
    if (!this.config || !this.dataset) throw new InvalidStateError('reset: nothing to reset (configure a model first)');
    this.stopRun();
    await this.createSession(this.config, this.configBackend, true);
    this.postState('reset', c.id);
  }
}
