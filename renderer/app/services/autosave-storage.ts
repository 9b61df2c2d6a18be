/**
 * Where the running session is autosaved: IndexedDB in the renderer. In the desktop app that is
 * the app's own data directory (Electron keeps a window's IndexedDB under userData); in a browser
 * the site's storage. One record, replaced each time.
 */
export interface AutosaveRecord {
  readonly fileName: string;
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly step: number;
  /** ms since the epoch. */
  readonly savedAt: number;
}

export interface AutosaveStorage {
  get(): Promise<AutosaveRecord | null>;
  put(record: AutosaveRecord): Promise<void>;
  clear(): Promise<void>;
}

const DB = 'backprop-lens';
const STORE = 'autosave';
const KEY = 'session';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB cannot be opened'));
  });
}

async function run<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const req = fn(db.transaction(STORE, mode).objectStore(STORE));
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
    });
  } finally {
    db.close();
  }
}

/** IndexedDB, or null where there is none (then autosave is simply off). */
export function indexedDbAutosave(): AutosaveStorage | null {
  if (typeof indexedDB === 'undefined') return null;
  return {
    get: async () => ((await run('readonly', (s) => s.get(KEY))) as AutosaveRecord | undefined) ?? null,
    put: async (record) => void (await run('readwrite', (s) => s.put(record, KEY))),
    clear: async () => void (await run('readwrite', (s) => s.delete(KEY))),
  };
}
