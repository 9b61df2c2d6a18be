/**
 * Drop a file anywhere in the window, on any view: the dashboard opens it in the Data view. Every
 * dragover and drop of files is taken (preventDefault), so the browser's own "open this file"
 * never replaces the dashboard, even where no view handles drops.
 */
export interface FileDropHandlers {
  /** Files were dropped (several: e.g. an IDX images file with its labels file). */
  onFiles(files: readonly File[]): void;
  /** Files are being dragged over the window (true) or left it / were dropped (false). */
  onDragging?(dragging: boolean): void;
}

function carriesFiles(ev: DragEvent): boolean {
  const types = ev.dataTransfer?.types;
  return !!types && Array.from(types).includes('Files');
}

export function installFileDrop(target: Pick<Window, 'addEventListener' | 'removeEventListener'>, h: FileDropHandlers): () => void {
  // dragenter/dragleave fire for every child crossed: count them to know when the window is left.
  let depth = 0;
  const over = (e: Event) => {
    const ev = e as DragEvent;
    if (!carriesFiles(ev)) return;
    ev.preventDefault();
    if (ev.dataTransfer) ev.dataTransfer.dropEffect = 'copy';
  };
  const enter = (e: Event) => {
    if (!carriesFiles(e as DragEvent)) return;
    e.preventDefault();
    if (depth++ === 0) h.onDragging?.(true);
  };
  const leave = (e: Event) => {
    if (!carriesFiles(e as DragEvent)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) h.onDragging?.(false);
  };
  const drop = (e: Event) => {
    const ev = e as DragEvent;
    if (!carriesFiles(ev)) return;
    ev.preventDefault();
    depth = 0;
    h.onDragging?.(false);
    const files = Array.from(ev.dataTransfer?.files ?? []);
    if (files.length > 0) h.onFiles(files);
  };
  const pairs: [string, (e: Event) => void][] = [['dragover', over], ['dragenter', enter], ['dragleave', leave], ['drop', drop]];
  for (const [t, f] of pairs) target.addEventListener(t, f);
  return () => {
    for (const [t, f] of pairs) target.removeEventListener(t, f);
  };
}
