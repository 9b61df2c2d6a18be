/**
 * The data set: the built-in catalog and its parameters, a file picked for loading (with a
 * preview and column roles), what the engine loaded, a sample of rows for the table, statistics,
 * scatter and image grid, and the recent files list.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { ColumnStats as EngineColumnStats, DatasetSourceInput, EventOf, LoadOptionsInput } from '../../../engine/protocol/index.js';
import { builtinCatalog, defaultParams, generatePreview, type BuiltinInfo } from '../services/builtins.js';
import { loadDataset } from '../../../engine/index.js';
import { defaultRoles, previewDelimited, type ColumnRole, type CsvPreview } from '../services/csv-preview.js';
import { columnStats, type ColumnStats } from '../services/stats.js';
import type { MatrixView } from '../components/heatmap/paint.js';
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
  /** The dataset row of each sample row (the engine's preview spreads its rows over the whole set); absent = rows 0, 1, 2… */
  readonly rowIndex?: ArrayLike<number>;
}

type LoadedEvent = EventOf<'dataset-loaded'>;

const RECENT_KEY = 'backprop-lens.recent';
/** Files up to this size are parsed in the page too, for the preview. */
const PREVIEW_PARSE_BYTES = 8 * 1024 * 1024;
const DELIMITED = /\.(csv|tsv|txt)(\.gz)?$/i;

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
  /** The normalisation chosen for the next file (built-ins are well scaled and are trained on as they are). */
  const normalize = ref<'standardize' | 'min-max' | 'none'>('standardize');
  /**
   * The normalisation for the loaded data set, sent with `configure` (the model store): the engine
   * fits it on the session's training rows, so the validation rows never shape it.
   */
  const trainingNormalize = ref<'standardize' | 'min-max' | 'none'>('none');
  /** 'auto': classification when the single target column holds text labels. */
  const taskChoice = ref<'auto' | 'classification' | 'regression'>('auto');
  const loading = ref(false);
  const loaded = shallowRef<LoadedEvent | null>(null);
  const sample = shallowRef<DataSample | null>(null);
  const recent = ref<RecentEntry[]>(loadRecent());
  /** Bytes of files opened this session, so "recent" can reopen them in web mode too. */
  const fileCache = new Map<string, Uint8Array>();

  const selectedInfo = computed(() => catalog.value.find((b) => b.name === selected.value) ?? null);
  const task = computed<'regression' | 'classification' | null>(() => {
    const l = loaded.value;
    if (!l) return null;
    return l.preview?.task ?? (l.classNames ? 'classification' : 'regression');
  });
  const image = computed(() => {
    const l = loaded.value;
    if (!l) return null;
    if (l.preview) return l.preview.image;
    // Older engines send no preview: guess from the shape.
    const side = Math.round(Math.sqrt(l.inputSize));
    // Square inputs of 64+ pixels from an image set (e.g. 28×28 digits) are drawn as images.
    return l.inputSize >= 64 && side * side === l.inputSize ? { width: side, height: side } : null;
  });
  /** Per-column statistics: of the whole data set when the engine sent them, else of the sample shown. */
  const stats = computed<readonly ColumnStats[]>(() => {
    const l = loaded.value;
    const p = l?.preview;
    if (l && p) {
      const of = (c: EngineColumnStats): ColumnStats => ({
        name: c.name,
        count: l.samples - c.missing,
        min: c.min ?? NaN,
        max: c.max ?? NaN,
        mean: c.mean ?? NaN,
        std: c.std ?? NaN,
        nonFinite: c.missing,
      });
      return [...p.featureStats.map(of), ...p.targetStats.map(of)];
    }
    const s = sample.value;
    if (!s) return [];
    return [...columnStats(s.X, l?.featureNames ?? []), ...columnStats(s.Y, l?.targetNames ?? [])];
  });
  /** Where the statistics come from, for the table's caption. */
  const statsOfAll = computed(() => !!loaded.value?.preview);

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
      return true;
    } catch (err) {
      useErrorsStore().report(err, 'Could not load the data set');
      return false;
    } finally {
      loading.value = false;
    }
  }

  function accept(e: LoadedEvent): void {
    if (loaded.value !== e) sample.value = null;
    loaded.value = markRaw(e);
    sample.value = e.preview ? markRaw({ X: e.preview.X, Y: e.preview.Y, rowIndex: e.preview.X.rowIndex }) : null;
  }

  async function loadBuiltin(): Promise<boolean> {
    const info = selectedInfo.value;
    if (!info) return false;
    const given = { ...params.value };
    const ok = await load({ kind: 'builtin', name: info.name, params: given });
    if (ok) {
      trainingNormalize.value = 'none';
      remember({ kind: 'builtin', name: info.name, params: given });
      // Engines without a dataset preview: the same generator and seed give exactly the rows the engine received.
      if (!sample.value) previewWith(() => generatePreview(info.name, given));
    }
    return ok;
  }

  /** A file was picked (dialog, input or drop): preview it; delimited text waits for column choices. */
  function pick(name: string, bytes: Uint8Array, path?: string): void {
    fileCache.set(name, bytes);
    let preview: CsvPreview | null = null;
    if (DELIMITED.test(name) && !name.endsWith('.gz')) {
      preview = previewDelimited(new TextDecoder().decode(bytes.subarray(0, 256 * 1024)));
      roles.value = defaultRoles(preview);
    } else roles.value = [];
    pending.value = markRaw({ name, bytes, path, preview });
  }

  function fileOptions(): LoadOptionsInput {
    const p = pending.value?.preview;
    const options: LoadOptionsInput = { task: taskChoice.value };
    if (p && roles.value.length === p.columns.length) {
      const byRole = (r: ColumnRole) => roles.value.flatMap((role, j) => (role === r ? [p.hasHeader ? p.columns[j]! : j] : []));
      options.features = byRole('feature');
      options.targets = byRole('target');
      options.header = p.hasHeader;
    }
    return options;
  }

  async function loadPending(): Promise<boolean> {
    const f = pending.value;
    if (!f) return false;
    const p = f.preview;
    if (p && roles.value.length === p.columns.length) {
      if (!roles.value.includes('target')) {
        useErrorsStore().report(new Error('Choose at least one target column.'), `Could not load ${f.name}`);
        return false;
      }
      if (!roles.value.includes('feature')) {
        useErrorsStore().report(new Error('Choose at least one feature column.'), `Could not load ${f.name}`);
        return false;
      }
    }
    // The engine takes ownership of a copy: the cached bytes stay usable for "recent".
    const options = fileOptions();
    const ok = await load({ kind: 'file', fileName: f.name, bytes: f.bytes.slice(), options });
    if (ok) {
      trainingNormalize.value = normalize.value;
      remember({ kind: 'file', name: f.name, path: f.path });
      // Engines without a dataset preview: small files are parsed again here with the engine's own
      // loader; big ones (which would stall the page) get their preview from the engine's A_0.
      if (!sample.value && f.bytes.byteLength <= PREVIEW_PARSE_BYTES) previewWith(() => loadDataset(f.bytes, { ...options, fileName: f.name } as Parameters<typeof loadDataset>[1]));
    }
    return ok;
  }

  function previewWith(make: () => { X: MatrixView; Y: MatrixView }): void {
    try {
      const d = make();
      sample.value = markRaw({ X: d.X, Y: d.Y });
    } catch (err) {
      useErrorsStore().report(err, 'Could not build the data preview');
    }
  }

  function cachedFile(name: string): Uint8Array | null {
    return fileCache.get(name) ?? null;
  }

  /** Fills the sample from the training batch when the engine sent no preview (full-batch A_0 is X). */
  function setSample(X: MatrixView, Y: MatrixView): void {
    sample.value = markRaw({ X, Y });
  }

  /** Big files: the inputs come from the engine (A_0 of the current batch); targets are not streamed, so Y stays empty. */
  let fetching = false;
  async function fetchSample(quiet = false): Promise<void> {
    if (sample.value || !loaded.value || fetching) return;
    fetching = true;
    try {
      const x = await useSessionStore().engine().request({ type: 'request-matrix', layer: 0, name: 'A' }, 'matrix');
      setSample(x.matrix, { rows: x.matrix.rows, cols: 0, data: new Float64Array(0) });
    } catch (err) {
      // Before the first step the engine may not hold A_0 yet; the first frame triggers a retry.
      if (!quiet) useErrorsStore().report(err, 'Could not fetch the data preview');
    } finally {
      fetching = false;
    }
  }

  return {
    catalog, selected, params, pending, roles, normalize, trainingNormalize, taskChoice, loading, loaded, sample, recent,
    selectedInfo, task, image, stats, statsOfAll,
    select, loadBuiltin, pick, loadPending, accept, cachedFile, setSample, fetchSample, fileOptions,
  };
});
