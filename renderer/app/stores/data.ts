/**
 * The data set: the built-in catalog and its parameters, a file picked for loading (with a
 * preview and column roles), what the engine loaded, a sample of rows for the table, statistics,
 * scatter and image grid, and the recent files list.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import { findIdxPairs } from '../../../engine/index.js';
import { EngineError } from '../services/engine-link.js';
import type { ColumnStats as EngineColumnStats, DatasetSourceInput, EventOf, LoadOptionsInput } from '../../../engine/protocol/index.js';
import { builtinCatalog, defaultParams, type BuiltinInfo } from '../services/builtins.js';
import { defaultRoles, isTextColumn, type ColumnRole, type CsvPreview } from '../services/csv-preview.js';
import { previewFile } from '../services/file-preview.js';
import { looksLikeImages } from '../services/image-guess.js';
import type { ColumnStats } from '../services/stats.js';
import type { MatrixView } from '../services/matrix.js';
import { useSessionStore } from './session.js';
import { useErrorsStore } from './errors.js';

export interface RecentEntry {
  readonly kind: 'builtin' | 'file';
  readonly name: string;
  readonly params?: Record<string, number | string | boolean>;
  /** A native path (Electron), so the file can be read again. */
  readonly path?: string;
  readonly at: number;
}

export interface PendingFile {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly path?: string;
  /** Null for formats without columns (JSON {X, Y}, .npy, IDX…). */
  readonly preview: CsvPreview | null;
}

export interface DataSample {
  readonly X: MatrixView;
  readonly Y: MatrixView;
  /** The dataset row of each sample row (the engine's preview spreads its rows over the whole set). */
  readonly rowIndex: ArrayLike<number>;
}

type LoadedEvent = EventOf<'dataset-loaded'>;

const RECENT_KEY = 'backprop-lens.recent';

function loadRecent(): RecentEntry[] {
  try {
    const raw = globalThis.localStorage?.getItem(RECENT_KEY);
    const list = raw ? (JSON.parse(raw) as unknown) : [];
    return Array.isArray(list) ? (list as RecentEntry[]).filter((e) => e && typeof e.name === 'string').slice(0, 10) : [];
  } catch {
    return [];
  }
}

export const useDataStore = defineStore('data', () => {
  const catalog = shallowRef<readonly BuiltinInfo[]>(builtinCatalog());
  const selected = ref<string>(catalog.value[0]?.name ?? '');
  const params = ref<Record<string, number | string | boolean>>(catalog.value[0] ? defaultParams(catalog.value[0]) : {});
  // (the catalog is the engine's registry; it does not change at run time)
  const pending = shallowRef<PendingFile | null>(null);
  const roles = ref<ColumnRole[]>([]);
  /** Per previewed column: what to do with its missing cells ('keep' = a missing cell in a used column is an error). */
  const missing = ref<('keep' | 'drop' | 'mean' | 'median' | 'zero')[]>([]);
  /** The normalisation chosen for the next file (built-ins are well scaled and are trained on as they are). */
  const normalize = ref<'standardize' | 'min-max' | 'none'>('standardize');
  /**
   * The normalisation for the loaded data set, sent with `configure` (the model store): the engine
   * fits it on the session's training rows, so the validation rows never shape it.
   */
  const trainingNormalize = ref<'standardize' | 'min-max' | 'none'>('none');
  /** 'auto': classification when the single target column holds text labels. */
  const taskChoice = ref<'auto' | 'classification' | 'regression'>('auto');
  /** The loader's reading choices for text tables; 'auto' lets the engine infer (what it inferred comes back in `loaded.inferred`). */
  const reading = ref<{ delimiter: NonNullable<LoadOptionsInput['delimiter']>; header: 'auto' | 'yes' | 'no'; skipLines: number; encoding: NonNullable<LoadOptionsInput['encoding']> }>({
    delimiter: 'auto',
    header: 'auto',
    skipLines: 0,
    encoding: 'auto',
  });
  const loading = ref(false);
  const loaded = shallowRef<LoadedEvent | null>(null);
  const sample = shallowRef<DataSample | null>(null);
  const recent = ref<RecentEntry[]>(loadRecent());
  /** Bytes of files opened this session, so "recent" can reopen them in web mode too. */
  const fileCache = new Map<string, Uint8Array>();

  const selectedInfo = computed(() => catalog.value.find((b) => b.name === selected.value) ?? null);
  const task = computed<'regression' | 'classification' | null>(() => loaded.value?.preview.task ?? null);
  /** Image sets: the engine's word, or a square of 64+ non-negative pixel columns (a digits or MNIST table loaded from a file). */
  const image = computed(() => {
    const l = loaded.value;
    if (!l) return null;
    return l.preview.image ?? looksLikeImages(l.inputSize, l.preview.featureStats);
  });
  /** Per-column statistics of the whole data set, as the engine computed them (as loaded; the training normalisation is fitted later, on the training rows). */
  const stats = computed<readonly ColumnStats[]>(() => {
    const l = loaded.value;
    if (!l) return [];
    const of = (c: EngineColumnStats): ColumnStats => ({
      name: c.name,
      count: l.samples - c.missing,
      min: c.min ?? NaN,
      max: c.max ?? NaN,
      mean: c.mean ?? NaN,
      std: c.std ?? NaN,
      nonFinite: c.missing,
    });
    return [...l.preview.featureStats.map(of), ...l.preview.targetStats.map(of)];
  });

  function select(name: string): void {
    const info = catalog.value.find((b) => b.name === name);
    if (!info) return;
    selected.value = name;
    params.value = defaultParams(info);
  }

  function remember(entry: Omit<RecentEntry, 'at'>): void {
    const list = [{ ...entry, at: Date.now() }, ...recent.value.filter((e) => !(e.kind === entry.kind && e.name === entry.name))].slice(0, 10);
    recent.value = list;
    try {
      globalThis.localStorage?.setItem(RECENT_KEY, JSON.stringify(list));
    } catch {
      // the list just isn't kept across sessions
    }
  }

  async function load(source: DatasetSourceInput): Promise<boolean> {
    const session = useSessionStore();
    loading.value = true;
    try {
      const e = await session.engine().request({ type: 'load-dataset', source }, 'dataset-loaded');
      accept(e);
      useErrorsStore().clearSlot('data');
      return true;
    } catch (err) {
      // Cancelled on request: not a failure to report. One error area for loading: a new failure
      // replaces the previous one.
      if (!(err instanceof EngineError && err.event.code === 'cancelled'))
        useErrorsStore().report(err, source.kind === 'file' ? `Could not load ${source.fileName}` : 'Could not load the data set', 'data');
      return false;
    } finally {
      loading.value = false;
    }
  }

  /** Stops a load in progress: the engine takes a pause as "cancel" for a big file. */
  function cancelLoad(): void {
    if (loading.value) useSessionStore().engine().send({ type: 'pause' });
  }

  /**
   * Several files at once (a drop, a multiple pick): MNIST's IDX images + labels pair, found by
   * name (train-images-idx3-ubyte ↔ train-labels-idx1-ubyte), loaded as one dataset.
   */
  async function loadFiles(files: readonly { name: string; bytes: Uint8Array }[]): Promise<boolean> {
    const pair = findIdxPairs(files.map((f) => f.name))[0];
    if (!pair) {
      useErrorsStore().report(
        new Error(`Open one data file, or an IDX images file together with its labels file (e.g. train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz); got ${files.map((f) => f.name).join(', ')}.`),
        'Could not load the files',
      );
      return false;
    }
    const byName = new Map(files.map((f) => [f.name, f.bytes]));
    const ok = await load({
      kind: 'idx-pair',
      images: { fileName: pair.images, bytes: byName.get(pair.images)!.slice() },
      labels: { fileName: pair.labels, bytes: byName.get(pair.labels)!.slice() },
      options: {},
    });
    if (ok) pending.value = null;
    return ok;
  }

  function accept(e: LoadedEvent): void {
    loaded.value = markRaw(e);
    sample.value = markRaw({ X: e.preview.X, Y: e.preview.Y, rowIndex: e.preview.X.rowIndex });
  }

  async function loadBuiltin(): Promise<boolean> {
    const info = selectedInfo.value;
    if (!info) return false;
    const given = { ...params.value };
    const ok = await load({ kind: 'builtin', name: info.name, params: given });
    if (ok) {
      trainingNormalize.value = 'none';
      remember({ kind: 'builtin', name: info.name, params: given });
    }
    return ok;
  }

  /**
   * Files of kinds other stores own, by extension: a session file (.bplens) opens the whole
   * session, data included (stores/session-files.ts, registered by wiring/connect.ts — the data
   * store stays below the stores that configure models and sessions).
   */
  const openers = new Map<string, (name: string, bytes: Uint8Array<ArrayBuffer>) => void>();
  function openFilesOfKind(extension: string, open: (name: string, bytes: Uint8Array<ArrayBuffer>) => void): void {
    openers.set(extension.toLowerCase(), open);
  }
  /** Told when a data file is picked: a new, untitled session begins (the session-files store listens). */
  const dataFileListeners: (() => void)[] = [];
  function onDataFilePicked(listener: () => void): void {
    dataFileListeners.push(listener);
  }

  /** A file was picked (dialog, input or drop): preview it (every table format gets the column chooser); empty and binary files are refused by name. */
  function pick(name: string, bytes: Uint8Array, path?: string, keepReading = false): void {
    const opener = openers.get(/\.[^.]+$/.exec(name.toLowerCase())?.[0] ?? '');
    if (opener) {
      opener(name, new Uint8Array(bytes));
      return;
    }
    for (const l of dataFileListeners) l();
    const errors = useErrorsStore();
    // A new file is read with 'auto' choices; "Read differently…" keeps the ones it set.
    if (!keepReading) reading.value = { delimiter: 'auto', header: 'auto', skipLines: 0, encoding: 'auto' };
    const { preview, refusal } = previewFile(name, bytes, reading.value);
    if (refusal) {
      errors.report(new Error(refusal), `Cannot load ${name}`, 'data');
      return;
    }
    errors.clearSlot('data');
    fileCache.set(name, bytes);
    roles.value = preview ? defaultRoles(preview) : [];
    missing.value = preview ? preview.columns.map(() => 'keep') : [];
    pending.value = markRaw({ name, bytes, path, preview });
  }
  /** The reading choices changed: preview the pending file again with them (the roles restart). */
  function repreview(): void {
    const f = pending.value;
    if (!f) return;
    const { preview } = previewFile(f.name, f.bytes, reading.value);
    roles.value = preview ? defaultRoles(preview) : [];
    missing.value = preview ? preview.columns.map(() => 'keep') : [];
    pending.value = markRaw({ ...f, preview });
  }

  function fileOptions(): LoadOptionsInput {
    const p = pending.value?.preview;
    const r = reading.value;
    const options: LoadOptionsInput = { task: taskChoice.value };
    if (p?.kind !== 'json') {
      if (r.delimiter !== 'auto') options.delimiter = r.delimiter;
      if (r.skipLines > 0) options.skipLines = r.skipLines;
      if (r.encoding !== 'auto') options.encoding = r.encoding;
      if (r.header !== 'auto') options.header = r.header;
    }
    if (p && roles.value.length === p.columns.length) {
      // By name where the file names its columns; by (0-based) index otherwise, and for a counts line (the engine reads it).
      const byName = p.hasHeader && !p.countsLine;
      const byRole = (k: ColumnRole) => roles.value.flatMap((role, j) => (role === k ? [byName ? p.columns[j]! : j] : []));
      options.features = byRole('feature');
      options.targets = byRole('target');
      if (p.kind !== 'json' && !p.countsLine) options.header = p.hasHeader ? 'yes' : 'no';
      // Missing values by column name (unnamed columns are "column N", as the loader names them).
      const treat = Object.fromEntries(
        missing.value.flatMap((m, j) => (m === 'keep' || roles.value[j] === 'ignore' ? [] : [[p.columns[j]!, m === 'zero' ? { constant: 0 } : m] as const])),
      );
      if (Object.keys(treat).length) options.missing = treat;
      const text = roles.value.flatMap((r, j) => (r === 'feature' && isTextColumn(p, j) ? [p.columns[j]!] : []));
      if (text.length) options.oneHot = text;
    }
    return options;
  }

  async function loadPending(): Promise<boolean> {
    const f = pending.value;
    if (!f) return false;
    const p = f.preview;
    if (p && roles.value.length === p.columns.length) {
      if (!roles.value.includes('target')) {
        useErrorsStore().report(new Error('Choose at least one target column.'), `Could not load ${f.name}`, 'data');
        return false;
      }
      if (!roles.value.includes('feature')) {
        useErrorsStore().report(new Error('Choose at least one feature column.'), `Could not load ${f.name}`, 'data');
        return false;
      }
    }
    // The engine takes ownership of a copy: the cached bytes stay usable for "recent".
    const options = fileOptions();
    const ok = await load({ kind: 'file', fileName: f.name, bytes: f.bytes.slice(), options });
    if (ok) {
      trainingNormalize.value = normalize.value;
      remember({ kind: 'file', name: f.name, path: f.path });
    }
    return ok;
  }

  function cachedFile(name: string): Uint8Array | null {
    return fileCache.get(name) ?? null;
  }

  return {
    catalog, selected, params, pending, roles, missing, normalize, trainingNormalize, taskChoice, reading, loading, loaded, sample, recent,
    selectedInfo, task, image, stats,
    select, loadBuiltin, pick, openFilesOfKind, onDataFilePicked, repreview, loadPending, loadFiles, cancelLoad, accept, cachedFile, fileOptions,
  };
});
