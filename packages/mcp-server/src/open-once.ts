/**
 * Opening a file once and reading it through that one descriptor. Checks made on a name and then a
 * read of the same name race against anyone who can swap the file (a symlink to a file elsewhere, a
 * larger file): here what is checked (the descriptor's real path, its fstat) is what is read, and the
 * read itself stops at the size cap.
 */
import { constants, type Stats } from 'node:fs';
import { type FileHandle, open, readlink, realpath, stat } from 'node:fs/promises';

// O_NONBLOCK: opening a FIFO does not wait for a writer; O_NOCTTY: a terminal never becomes ours.
// (Both, and O_NOFOLLOW, are undefined on Windows.)
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

export interface OpenedFile {
  handle: FileHandle;
  /** The real path of what was opened (symlinks resolved), from the descriptor, not from the name. */
  real: string;
  info: Stats;
}

/**
 * Opens `path` for reading. `noFollow`: the last component must not be a symlink (ELOOP if it is).
 * The caller checks `real` and `info`, reads through `handle` and closes it.
 */
export async function openOnce(path: string, { noFollow }: { noFollow: boolean }): Promise<OpenedFile> {
  const handle = await open(path, READ_FLAGS | (noFollow ? (constants.O_NOFOLLOW ?? 0) : 0));
  try {
    const info = await handle.stat();
    return { handle, info, real: await descriptorPath(handle, path, info) };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Linux: the descriptor's own path (/proc/self/fd/N). Elsewhere: the name's real path, accepted only
 * when it is still the very file that was opened (same device and inode).
 */
async function descriptorPath(handle: FileHandle, path: string, info: Stats): Promise<string> {
  if (process.platform === 'linux') {
    try {
      return await readlink(`/proc/self/fd/${handle.fd}`);
    } catch {
      // No /proc (some containers): the check below is just as sound.
    }
  }
  const real = await realpath(path);
  const now = await stat(real);
  if (now.dev !== info.dev || now.ino !== info.ino) {
    throw Object.assign(new Error(`${path} changed while it was opened`), { code: 'ECHANGED' });
  }
  return real;
}

/**
 * Reads the whole file through its descriptor, but never more than `limit` bytes: undefined when it
 * holds more (it may have grown since fstat said `sizeHint`).
 */
export async function readAtMost(handle: FileHandle, sizeHint: number, limit: number): Promise<Uint8Array | undefined> {
  let buffer = Buffer.allocUnsafe(Math.min(sizeHint, limit) + 1);
  let total = 0;
  for (;;) {
    if (total === buffer.length) {
      if (total > limit) return undefined;
      const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, limit + 1));
      buffer.copy(bigger, 0, 0, total);
      buffer = bigger;
    }
    const { bytesRead } = await handle.read(buffer, total, buffer.length - total, total);
    if (bytesRead === 0) return new Uint8Array(buffer.buffer, buffer.byteOffset, total);
    total += bytesRead;
  }
}
