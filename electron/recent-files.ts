/**
 * The recent-files list (data files and session files), kept as JSON in the user-data folder
 * (written atomically). Only paths on this list may be re-read by the dashboard without a dialog.
 */
import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import type { RecentFile } from './contract.js';
import { writeFileAtomic } from './atomic-write.js';

export const MAX_RECENT = 10;

const fileSchema = z.object({
  version: z.literal(1),
  files: z.array(z.object({ path: z.string(), fileName: z.string(), openedAt: z.string() })),
});

export class RecentFiles {
  private files: RecentFile[] | null = null;
  private readonly listeners: ((files: readonly RecentFile[]) => void)[] = [];

  constructor(
    private readonly storePath: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Called after every change (File › Open Recent is rebuilt from it). */
  onChange(listener: (files: readonly RecentFile[]) => void): void {
    this.listeners.push(listener);
  }

  async list(): Promise<RecentFile[]> {
    if (this.files === null) this.files = await this.load();
    return [...this.files];
  }

  async add(path: string): Promise<void> {
    const files = (await this.list()).filter((f) => f.path !== path);
    files.unshift({ path, fileName: basename(path), openedAt: this.clock().toISOString() });
    this.files = files.slice(0, MAX_RECENT);
    await this.save();
  }

  async has(path: string): Promise<boolean> {
    return (await this.list()).some((f) => f.path === path);
  }

  async remove(path: string): Promise<void> {
    this.files = (await this.list()).filter((f) => f.path !== path);
    await this.save();
  }

  async clear(): Promise<void> {
    this.files = [];
    await this.save();
  }

  private async load(): Promise<RecentFile[]> {
    try {
      const parsed = fileSchema.safeParse(JSON.parse(await fs.readFile(this.storePath, 'utf8')));
      // A corrupt or foreign list is not worth an error dialog: start a new one.
      return parsed.success ? parsed.data.files.slice(0, MAX_RECENT) : [];
    } catch {
      return [];
    }
  }

  private async save(): Promise<void> {
    await writeFileAtomic(this.storePath, `${JSON.stringify({ version: 1, files: this.files ?? [] }, null, 2)}\n`);
    for (const l of this.listeners) l([...(this.files ?? [])]);
  }
}
