/**
 * The file system edge: saving images (atomic, never overwriting, never outside the output dir),
 * resolving edit inputs (only inside allowed directories, symlinks resolved first) and listing what
 * was saved. Names come from the core's naming rules.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, lstat, mkdir, open, readdir, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { imageFileName, normalizeExtension } from '@brushwork/core';

/** URIs of saved images: brushwork://images/<file name>. */
export const RESOURCE_PREFIX = 'brushwork://images/';

export const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'webp']);

/** Largest input image edit_image reads (the API's own limit is 50 MB). */
export const MAX_INPUT_BYTES = 50 * 1024 * 1024;

const MAX_FILENAME_LENGTH = 120;

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
 * Checks the user's `filename` argument: one plain name, no directory part. Returns a problem in words,
 * or undefined when it is fine. The extension, if any, is replaced by the real one when saving.
 */
export function filenameProblem(name: string): string | undefined {
  if (name.length === 0 || name.trim().length === 0) return 'filename is empty; give a plain name such as "red-fox"';
  if (name.includes('\0')) return 'filename contains a NUL character';
  if (name.length > MAX_FILENAME_LENGTH) return `filename is longer than ${MAX_FILENAME_LENGTH} characters`;
  if (/[/\\]/.test(name) || isAbsolute(name)) {
    return 'filename must be a plain name without a directory (no / or \\); files are always saved in the output directory';
  }
  if (name === '.' || name === '..' || name.startsWith('.')) return 'filename must not start with a dot';
  if (/[\u0000-\u001f\u007f<>:"|?*]/.test(name))
    return 'filename must not contain control characters or any of <>:"|?*';
  // Bidi controls make a name display as something else ("fox\u202Egnp.exe" shows as "foxexe.png").
  if (/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(name))
    return 'filename must not contain bidirectional text controls (U+202A-U+202E, U+2066-U+2069, U+200E/F, U+061C)';
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
    const given = input.filename.trim();
    const givenExt = extname(given).slice(1).toLowerCase();
    const stem = IMAGE_EXTENSIONS.has(givenExt) ? given.slice(0, -(givenExt.length + 1)) : given;
    return `${stem}${several ? `-${index + 1}` : ''}.${ext}`;
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

/**
 * Writes bytes as a new file in `dir`: first to a hidden temp file, then hard-linked under its final
 * name, which fails instead of overwriting (EEXIST → the next suffix). Readers never see a half-written
 * file, and nothing is left behind when the signal aborts or the write fails.
 */
export async function saveNewFile(
  dir: string,
  fileName: string,
  bytes: Uint8Array,
  signal?: AbortSignal,
): Promise<SavedFile> {
  if (filenameProblem(fileName) !== undefined || basename(fileName) !== fileName) {
    throw new FileProblem('filename', `refusing to save under "${fileName}"`);
  }
  if (signal?.aborted) throw abortError();
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${fileName}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  try {
    try {
      await handle.writeFile(bytes);
    } finally {
      await handle.close();
    }
    for (let attempt = 1; attempt <= 1000; attempt++) {
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

export interface InputFile {
  path: string;
  bytes: Uint8Array;
  fileName: string;
}

/**
 * Reads an edit input named by a path (absolute, or relative to the output dir), a file:// URL or a
 * brushwork://images/ URI. The file's real path (symlinks resolved) must lie inside the output dir or
 * one of the allowed input dirs.
 */
export async function readInputImage(
  field: string,
  reference: string,
  dirs: { outputDir: string; inputDirs: readonly string[] },
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
    if (filenameProblem(name) !== undefined) {
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
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw new FileProblem(field, `${field}: no file at ${candidate}; give the path of an image in ${where}`);
  }
  const roots = await realDirs(allowed);
  if (!roots.some((root) => inside(root, real))) {
    throw new FileProblem(
      field,
      `${field}: ${candidate} is outside ${where}; copy it there, or start the server with --input-dir (BRUSHWORK_INPUT_DIRS) naming its directory`,
    );
  }
  const info = await stat(real);
  if (!info.isFile()) throw new FileProblem(field, `${field}: ${candidate} is not a file`);
  if (info.size > MAX_INPUT_BYTES) {
    throw new FileProblem(field, `${field}: ${candidate} is ${info.size} bytes; input images must be under 50 MB`);
  }
  return { path: real, bytes: new Uint8Array(await readFile(real)), fileName: basename(real) };
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

/** Reads a saved image by its resource file name; undefined when it is not a saved image. */
export async function readSavedImage(
  outputDir: string,
  fileName: string,
): Promise<{ bytes: Uint8Array; mimeType: string } | undefined> {
  const mimeType = mimeTypeOf(fileName);
  if (!mimeType || filenameProblem(fileName) !== undefined) return undefined;
  try {
    const root = await realpath(outputDir);
    const real = await realpath(join(outputDir, fileName));
    if (!inside(root, real)) return undefined;
    const info = await stat(real);
    if (!info.isFile()) return undefined;
    return { bytes: new Uint8Array(await readFile(real)), mimeType };
  } catch {
    return undefined;
  }
}
