/**
 * The one error type for array containers (.npz, .safetensors, zip entries): a file the user
 * handed us that cannot be read as arrays. The message names the file, the entry inside it
 * (the array or zip member) and, for binary damage, the byte offset, so a person knows which
 * array of which file to regenerate.
 */
export interface ArrayFileLocation {
  /** The file name as the user gave it. */
  readonly file?: string;
  /** The zip member or tensor name the problem is in. */
  readonly entry?: string;
  /** 0-based byte offset in the file (or in the entry, when `entry` is set). */
  readonly offset?: number;
}

export class ArrayFileError extends Error implements ArrayFileLocation {
  override readonly name = 'ArrayFileError';
  readonly file?: string;
  readonly entry?: string;
  readonly offset?: number;
  /** The reason without the location prefix. */
  readonly detail: string;

  constructor(detail: string, where: ArrayFileLocation = {}) {
    super(composeMessage(detail, where));
    this.detail = detail;
    if (where.file !== undefined) this.file = where.file;
    if (where.entry !== undefined) this.entry = where.entry;
    if (where.offset !== undefined) this.offset = where.offset;
  }
}

function composeMessage(detail: string, where: ArrayFileLocation): string {
  let out = '';
  if (where.file !== undefined) out += `${where.file}: `;
  if (where.entry !== undefined) out += `${where.entry}: `;
  out += detail;
  if (where.offset !== undefined) out += ` (byte ${where.offset})`;
  return out;
}
