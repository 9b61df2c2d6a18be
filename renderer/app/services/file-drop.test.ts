import { describe, expect, it, vi } from 'vitest';
import { installFileDrop } from './file-drop.js';

class FakeTarget {
  readonly listeners = new Map<string, ((e: Event) => void)[]>();
  addEventListener(t: string, f: (e: Event) => void): void {
    this.listeners.set(t, [...(this.listeners.get(t) ?? []), f]);
  }
  removeEventListener(t: string, f: (e: Event) => void): void {
    this.listeners.set(t, (this.listeners.get(t) ?? []).filter((g) => g !== f));
  }
  fire(t: string, e: unknown): void {
    for (const f of this.listeners.get(t) ?? []) f(e as Event);
  }
}
const dragEvent = (files: unknown[], types = ['Files']) => ({ dataTransfer: { types, files, dropEffect: 'none' }, preventDefault: vi.fn() });

describe('file drop anywhere in the window', () => {
  it('takes dragover and drop of files from the browser and hands over every file dropped', () => {
    const t = new FakeTarget();
    const onFiles = vi.fn();
    const onDragging = vi.fn();
    const remove = installFileDrop(t as never, { onFiles, onDragging });
    const over = dragEvent([]);
    t.fire('dragenter', over);
    t.fire('dragover', over);
    expect(over.preventDefault).toHaveBeenCalled();
    expect(over.dataTransfer.dropEffect).toBe('copy');
    expect(onDragging).toHaveBeenLastCalledWith(true);
    const file = { name: 'iris.csv' };
    const other = { name: 'other.csv' };
    const drop = dragEvent([file, other]);
    t.fire('drop', drop);
    expect(drop.preventDefault).toHaveBeenCalled();
    expect(onFiles).toHaveBeenCalledWith([file, other]);
    expect(onDragging).toHaveBeenLastCalledWith(false);
    remove();
    expect([...t.listeners.values()].every((l) => l.length === 0)).toBe(true);
  });

  it('leaves drags without files (text, links) alone and ends the highlight when the window is left', () => {
    const t = new FakeTarget();
    const onDragging = vi.fn();
    installFileDrop(t as never, { onFiles: vi.fn(), onDragging });
    const text = dragEvent([], ['text/plain']);
    t.fire('dragover', text);
    expect(text.preventDefault).not.toHaveBeenCalled();
    t.fire('dragenter', dragEvent([]));
    t.fire('dragenter', dragEvent([])); // a child element
    t.fire('dragleave', dragEvent([]));
    expect(onDragging).toHaveBeenLastCalledWith(true);
    t.fire('dragleave', dragEvent([]));
    expect(onDragging).toHaveBeenLastCalledWith(false);
  });
});
