/**
 * The data set: the built-in catalog and its parameters, a file picked for loading (with a
 * preview and column roles), what the engine loaded, a sample of rows for the table, statistics,
 * scatter and image grid, and the recent files list.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { ColumnStats as EngineColumnStats, DatasetSourceInput, EventOf, LoadOptionsInput } from '../../../engine/protocol/index.js';
import { builtinCatalog, defaultParams, type BuiltinInfo } from '../services/builtins.js';
import { defaultRoles, previewDelimited, type ColumnRole, type CsvPreview } from '../services/csv-preview.js';
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
  const task = computed<'regression' | 'classification' | null>(() => loaded.value?.preview.task ?? null);
  const image = computed(() => loaded.value?.preview.image ?? null);
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
      return true;
    } catch (err) {
      useErrorsStore().report(err, 'Could not load the data set');
      return false;
    } finally {
      loading.value = false;
    }
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
    }
    return ok;
  }

  function cachedFile(name: string): Uint8Array | null {
    return fileCache.get(name) ?? null;
  }

  return {
    catalog, selected, params, pending, roles, normalize, trainingNormalize, taskChoice, loading, loaded, sample, recent,
    selectedInfo, task, image, stats,
    select, loadBuiltin, pick, loadPending, accept, cachedFile, fileOptions,
  };
});
