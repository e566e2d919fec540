/**
 * The file system edge: saving images (atomic, never overwriting, never outside the output dir, names
 * checked in bytes before anything is sent), reading edit inputs and saved images (only inside the
 * allowed directories, checked and read through one descriptor: open-once.ts) and listing what was
 * saved. Names come from the core's naming rules.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import {
  access,
  type FileHandle,
  link,
  lstat,
  mkdir,
  open,
  readdir,
  readlink,
  realpath,
  rename,
  unlink,
} from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { imageFileName, normalizeExtension } from '@brushwork/core';
import { type OpenedFile, openOnce, readAtMost } from './open-once.js';

/** URIs of saved images: brushwork://images/<file name>. */
export const RESOURCE_PREFIX = 'brushwork://images/';

export const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'webp']);

/** Largest input image edit_image reads (the API's own limit is 50 MB). */
export const MAX_INPUT_BYTES = 50 * 1024 * 1024;

/** NAME_MAX: the longest file name, in bytes, that common file systems take. */
export const NAME_MAX_BYTES = 255;

/** Most images one call saves (the tools' n), hence the longest "-N" a `filename` stem gets. */
const MAX_IMAGES = 10;
/** The longest extension a saved image gets (png, jpg, webp). */
const LONGEST_EXTENSION = 'webp';
/** saveNewFile tries name, name-2, … up to name-<MAX_ATTEMPTS>. */
const MAX_ATTEMPTS = 1000;

export class FileProblem extends Error {
  override readonly name = 'FileProblem';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function resourceUri(fileName: string): string {
  return RESOURCE_PREFIX + encodeURIComponent(fileName);
}

export function mimeTypeOf(fileName: string): string | undefined {
  const ext = extname(fileName).slice(1).toLowerCase();
  if (ext === 'png') return 'image/png';
  if (ext === 'jpg' || ext === 'jpeg') return 'image/jpeg';
  if (ext === 'webp') return 'image/webp';
  return undefined;
}

/**
 * Checks one plain file name: no directory part, no character a file system (or a reader) would
 * trip on. Returns a problem in words, or undefined when it is fine. Says nothing about its length.
 */
function nameProblem(name: string): string | undefined {
  if (name.length === 0 || name.trim().length === 0) return 'filename is empty; give a plain name such as "red-fox"';
  if (name.includes('\0')) return 'filename contains a NUL character';
  if (/\p{Cs}/u.test(name)) {
    return 'filename contains a lone UTF-16 surrogate (not valid Unicode, so no file system can store it)';
  }
  if (/[/\\]/.test(name) || isAbsolute(name)) {
    return 'filename must be a plain name without a directory (no / or \\); files are always saved in the output directory';
  }
  if (name === '.' || name === '..' || name.startsWith('.')) return 'filename must not start with a dot';
  if (/[\u0000-\u001f\u007f<>:"|?*]/.test(name))
    return 'filename must not contain control characters or any of <>:"|?*';
  // Bidi controls make a name display as something else ("fox\u202Egnp.exe" shows as "foxexe.png").
  if (/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(name))
    return 'filename must not contain bidirectional text controls (U+202A-U+202E, U+2066-U+2069, U+200E/F, U+061C)';
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(name))
    return 'filename must not be a Windows device name (CON, NUL, COM1, …)';
  return undefined;
}

/** The stem a `filename` argument gives: trimmed, without an image extension (the real one replaces it). */
function stemOf(filename: string): string {
  const given = filename.trim();
  const givenExt = extname(given).slice(1).toLowerCase();
  return IMAGE_EXTENSIONS.has(givenExt) ? given.slice(0, -(givenExt.length + 1)) : given;
}

/** Bytes of the longest name saving `fileName` may put on disk: its temp file, or its last free name. */
function longestOnDisk(fileName: string): number {
  return Math.max(
    Buffer.byteLength(tempName(fileName, '0'.repeat(12))),
    Buffer.byteLength(candidateName(fileName, MAX_ATTEMPTS)),
  );
}

/** The most UTF-8 bytes a `filename` stem may have: the longest suffixes saving adds still fit NAME_MAX. */
export const MAX_STEM_BYTES = NAME_MAX_BYTES - longestOnDisk(`-${MAX_IMAGES}.${LONGEST_EXTENSION}`);

/**
 * Checks the user's `filename` argument before anything is sent: a plain name (nameProblem) whose
 * every saved form (-N for several images, -N when taken, the extension, the temp file) fits in
 * NAME_MAX bytes as the file system counts them (UTF-8). Returns a problem naming filename and the limit.
 */
export function filenameProblem(filename: string): string | undefined {
  const stem = stemOf(filename);
  // The stem too: "  .png" passes as given but would be saved as a hidden ".png.png".
  const problem = nameProblem(filename) ?? nameProblem(stem);
  if (problem) return problem;
  const bytes = Buffer.byteLength(stem);
  if (bytes > MAX_STEM_BYTES) {
    return `filename is ${bytes} bytes in UTF-8; saved file names must fit in ${NAME_MAX_BYTES} bytes with their suffixes and extension, so filename may have at most ${MAX_STEM_BYTES} bytes (${MAX_STEM_BYTES} ASCII characters, about ${Math.floor(MAX_STEM_BYTES / 3)} CJK characters)`;
  }
  return undefined;
}

/**
 * The file names for one result: from the user's `filename` (stem, plus -N when there are several
 * images) or from the core's naming rules (time, prompt slug, index).
 */
export function plannedFileNames(input: {
  prompt: string;
  filename?: string;
  date: Date;
  images: readonly { index: number; extension: string }[];
}): string[] {
  const several = input.images.length > 1;
  return input.images.map(({ index, extension }) => {
    const ext = normalizeExtension(extension);
    if (input.filename === undefined)
      return imageFileName({ prompt: input.prompt, index, extension: ext, date: input.date });
    return `${stemOf(input.filename)}${several ? `-${index + 1}` : ''}.${ext}`;
  });
}

function abortError(): Error {
  const error = new Error('The operation was aborted');
  error.name = 'AbortError';
  return error;
}

function isCode(error: unknown, ...codes: string[]): boolean {
  return typeof error === 'object' && error !== null && codes.includes((error as { code?: string }).code ?? '');
}

/** The hidden temp file a save writes first. */
function tempName(fileName: string, tag = randomBytes(6).toString('hex')): string {
  return `.${fileName}.${tag}.tmp`;
}

/** name.png → name-2.png, name-3.png, … */
function candidateName(name: string, attempt: number): string {
  if (attempt === 1) return name;
  const ext = extname(name);
  return `${name.slice(0, name.length - ext.length)}-${attempt}${ext}`;
}

export interface SavedFile {
  path: string;
  fileName: string;
}

/** A hidden temp file in `dir`, created for this write alone (never an existing file), open for writing. */
export async function createTempFile(dir: string, fileName: string): Promise<{ path: string; handle: FileHandle }> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, tempName(fileName));
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  return { path, handle };
}

/** Why a name may not be saved under (undefined when it may). */
function saveNameProblem(fileName: string): string | undefined {
  return (
    nameProblem(fileName) ??
    (basename(fileName) !== fileName ? 'not a plain name' : undefined) ??
    (longestOnDisk(fileName) > NAME_MAX_BYTES ? `longer than ${NAME_MAX_BYTES} bytes with its suffixes` : undefined)
  );
}

/**
 * Gives a finished temp file (createTempFile, closed) its final name in `dir`: hard-linked under it,
 * which fails instead of overwriting (EEXIST → the next suffix). Readers never see a half-written file.
 * The temp file is gone afterwards, whatever happened.
 */
export async function publishFile(
  dir: string,
  temp: string,
  fileName: string,
  signal?: AbortSignal,
): Promise<SavedFile> {
  try {
    const problem = saveNameProblem(fileName);
    if (problem) throw new FileProblem('filename', `refusing to save under "${fileName}": ${problem}`);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      if (signal?.aborted) throw abortError();
      const name = candidateName(fileName, attempt);
      const target = join(dir, name);
      try {
        await link(temp, target);
        return { path: target, fileName: name };
      } catch (error) {
        if (isCode(error, 'EEXIST')) continue;
        if (!isCode(error, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV')) throw error;
        // No hard links here (some network or FAT file systems): claim the name exclusively, then
        // rename the finished temp file over our own empty claim.
        try {
          const claim = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
          await claim.close();
        } catch (claimError) {
          if (isCode(claimError, 'EEXIST')) continue;
          throw claimError;
        }
        await rename(temp, target);
        return { path: target, fileName: name };
      }
    }
    throw new FileProblem('filename', `could not find a free name for ${fileName} in ${dir}`);
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/**
 * Writes bytes as a new file in `dir`: first to a hidden temp file, then published under its final
 * name (publishFile). Nothing is left behind when the signal aborts or the write fails.
 */
export async function saveNewFile(
  dir: string,
  fileName: string,
  bytes: Uint8Array,
  signal?: AbortSignal,
): Promise<SavedFile> {
  const problem = saveNameProblem(fileName);
  if (problem) throw new FileProblem('filename', `refusing to save under "${fileName}": ${problem}`);
  if (signal?.aborted) throw abortError();
  const temp = await createTempFile(dir, fileName);
  try {
    try {
      await temp.handle.writeFile(bytes);
    } finally {
      await temp.handle.close();
    }
  } catch (error) {
    await unlink(temp.path).catch(() => {});
    throw error;
  }
  return publishFile(dir, temp.path, fileName, signal);
}

/** Removes files this call saved (cancellation after some were written). */
export async function removeFiles(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((path) => unlink(path).catch(() => {})));
}

function inside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

async function realDirs(dirs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const dir of dirs) {
    try {
      out.push(await realpath(dir));
    } catch {
      // A directory that does not exist (yet) allows nothing.
    }
  }
  return out;
}

/**
 * Where a path leads, whether it exists or not: its real path, or (for a missing path) the real path
 * of its nearest existing ancestor joined with the rest, following a dangling symlink's target.
 */
async function whereLeads(path: string, links = 0): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    // missing (or not reachable): look at the link, then the parent
  }
  const target = links < 40 ? await readlink(path).catch(() => undefined) : undefined;
  if (target !== undefined) return whereLeads(resolve(dirname(path), target), links + 1);
  const parent = dirname(path);
  return parent === path ? path : join(await whereLeads(parent, links), basename(path));
}

export interface InputFile {
  path: string;
  bytes: Uint8Array;
  fileName: string;
}

/**
 * Reads an edit input named by a path (absolute, or relative to the output dir), a file:// URL or a
 * brushwork://images/ URI. Where the path leads (symlinks resolved) must lie inside the output dir or
 * one of the allowed input dirs, and so must the file actually opened: it is checked and read through
 * one descriptor, at most `maxBytes` (default 50 MB). A path outside gets the same answer whether or
 * not anything exists there.
 */
export async function readInputImage(
  field: string,
  reference: string,
  dirs: { outputDir: string; inputDirs: readonly string[]; maxBytes?: number },
): Promise<InputFile> {
  if (reference.includes('\0')) throw new FileProblem(field, `${field} contains a NUL character`);
  let candidate: string;
  if (reference.startsWith(RESOURCE_PREFIX)) {
    let name: string;
    try {
      name = decodeURIComponent(reference.slice(RESOURCE_PREFIX.length));
    } catch {
      throw new FileProblem(field, `${field}: ${reference} is not a valid brushwork://images/ URI`);
    }
    if (nameProblem(name) !== undefined) {
      throw new FileProblem(field, `${field}: ${reference} is not a valid brushwork://images/ URI`);
    }
    candidate = join(dirs.outputDir, name);
  } else if (reference.startsWith('file:')) {
    try {
      candidate = fileURLToPath(reference);
    } catch {
      throw new FileProblem(field, `${field}: ${reference} is not a valid file:// URL`);
    }
  } else {
    candidate = resolve(dirs.outputDir, reference);
  }

  const allowed = [dirs.outputDir, ...dirs.inputDirs];
  const where = `the output directory${dirs.inputDirs.length ? ' or an allowed input directory' : ''} (${allowed.join(', ')})`;
  const roots = await realDirs(allowed);
  const allowedPath = (real: string) => roots.some((root) => inside(root, real));
  const outside = () =>
    new FileProblem(
      field,
      `${field}: ${candidate} is outside ${where}; copy it there, or start the server with --input-dir (BRUSHWORK_INPUT_DIRS) naming its directory`,
    );
  // The path first: nothing outside is even opened, and whether something exists there stays unsaid.
  if (!allowedPath(await whereLeads(candidate))) throw outside();
  let file: OpenedFile;
  try {
    file = await openOnce(candidate, { noFollow: false });
  } catch (error) {
    if (isCode(error, 'ENOENT', 'ENOTDIR', 'ENAMETOOLONG')) {
      throw new FileProblem(field, `${field}: no file at ${candidate}; give the path of an image in ${where}`);
    }
    throw new FileProblem(field, `${field}: cannot read ${candidate}; give the path of an image in ${where}`);
  }
  try {
    // Then what was opened: a symlink swapped in after the check above is caught here.
    if (!allowedPath(file.real)) throw outside();
    if (!file.info.isFile()) throw new FileProblem(field, `${field}: ${candidate} is not a file`);
    const limit = dirs.maxBytes ?? MAX_INPUT_BYTES;
    const bytes = file.info.size > limit ? undefined : await readAtMost(file.handle, file.info.size, limit);
    if (!bytes) {
      throw new FileProblem(
        field,
        `${field}: ${candidate} is over ${limit} bytes; input images must be under ${Math.round(limit / 1024 / 1024)} MB`,
      );
    }
    return { path: file.real, bytes, fileName: basename(file.real) };
  } finally {
    await file.handle.close();
  }
}

export interface SavedImageEntry {
  fileName: string;
  path: string;
  bytes: number;
  modifiedMs: number;
  mimeType: string;
}

/** Images directly in the output dir (no subdirectories, no temp files, no symlinks), newest first. */
export async function listSavedImages(outputDir: string, limit = 500): Promise<SavedImageEntry[]> {
  let names: string[];
  try {
    names = await readdir(outputDir);
  } catch {
    return [];
  }
  const entries: SavedImageEntry[] = [];
  for (const fileName of names) {
    const mimeType = mimeTypeOf(fileName);
    if (!mimeType || fileName.startsWith('.')) continue;
    const path = join(outputDir, fileName);
    try {
      const info = await lstat(path);
      if (!info.isFile()) continue;
      entries.push({ fileName, path, bytes: info.size, modifiedMs: info.mtimeMs, mimeType });
    } catch {
      // Removed while listing.
    }
  }
  entries.sort((a, b) => b.modifiedMs - a.modifiedMs || a.fileName.localeCompare(b.fileName));
  return entries.slice(0, limit);
}

/**
 * Opens a saved image by its resource file name; undefined when it is not a saved image (a plain file
 * directly in the output dir, not a symlink). Checked through the descriptor; the caller closes it.
 */
async function openSavedImage(
  outputDir: string,
  fileName: string,
): Promise<{ file: OpenedFile; path: string; mimeType: string } | undefined> {
  const mimeType = mimeTypeOf(fileName);
  if (!mimeType || nameProblem(fileName) !== undefined) return undefined;
  const path = join(outputDir, fileName);
  let file: OpenedFile;
  let root: string;
  try {
    root = await realpath(outputDir);
    file = await openOnce(path, { noFollow: true });
  } catch {
    return undefined;
  }
  if (dirname(file.real) !== root || !file.info.isFile()) {
    await file.handle.close();
    return undefined;
  }
  return { file, path, mimeType };
}

/**
 * Reads a saved image by its resource file name; undefined when it is not a saved image (see
 * openSavedImage). Opened once, checked and read through that descriptor. Throws a FileProblem (field
 * "uri") naming the file when it is over `maxBytes`.
 */
export async function readSavedImage(
  outputDir: string,
  fileName: string,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; mimeType: string } | undefined> {
  const opened = await openSavedImage(outputDir, fileName);
  if (!opened) return undefined;
  const { file, path, mimeType } = opened;
  try {
    const bytes = file.info.size > maxBytes ? undefined : await readAtMost(file.handle, file.info.size, maxBytes);
    if (!bytes) {
      throw new FileProblem(
        'uri',
        `${path} is larger than ${maxBytes} bytes, the limit of resources/read (BRUSHWORK_MAX_RESOURCE_BYTES); open the file from disk instead`,
      );
    }
    return { bytes, mimeType };
  } finally {
    await file.handle.close();
  }
}

/**
 * Lends a saved image that is still the plain file of `size` bytes we wrote (another process may have
 * swapped it meanwhile) to `use`: on Linux as the path of the very descriptor that was checked
 * (/proc/self/fd/N), so that a reader opening files by name (libvips) reads it itself and the image is
 * never whole in this process's heap; elsewhere as its bytes, read through that descriptor. Undefined
 * when it is not that file, or cannot be read.
 */
export async function lendSavedImage<T>(
  outputDir: string,
  fileName: string,
  size: number,
  use: (image: string | Uint8Array) => Promise<T>,
): Promise<T | undefined> {
  const opened = await openSavedImage(outputDir, fileName).catch(() => undefined);
  if (!opened) return undefined;
  const { handle, info } = opened.file;
  try {
    if (info.size !== size) return undefined;
    const byDescriptor = `/proc/self/fd/${handle.fd}`;
    if (
      process.platform === 'linux' &&
      (await access(byDescriptor).then(
        () => true,
        () => false,
      ))
    ) {
      return await use(byDescriptor);
    }
    const bytes = await readAtMost(handle, size, size);
    return bytes ? await use(bytes) : undefined;
  } finally {
    await handle.close();
  }
}
