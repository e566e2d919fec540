/**
 * File names for generated images, shared by the MCP server (files on disk) and the n8n node
 * (binary property file names): `<UTC time>-<slug of the prompt>-<n>.<ext>`, e.g.
 * `20260801-142305-a-red-fox-in-the-snow-1.png`. Pure: the caller passes the date.
 */

/** Longest slug kept from the prompt, in characters. */
export const MAX_SLUG_LENGTH = 48;

/** Used when the prompt has no letter or digit that survives slugging. */
export const FALLBACK_SLUG = 'image';

export interface ImageFileNameInput {
  prompt: string;
  /** 0-based position of the image in the request; the name shows index + 1. */
  index: number;
  /** png | jpg | jpeg | webp (a leading dot is tolerated; jpeg becomes jpg). */
  extension: string;
  date: Date;
}

/**
 * ASCII-only, lower-case, words joined by '-', at most `maxLength` characters, cut at a word
 * boundary when one is near. Accents are folded (é → e); everything else that is not [a-z0-9]
 * separates words. Returns '' when nothing survives.
 */
export function slugify(text: string, maxLength: number = MAX_SLUG_LENGTH): string {
  const folded = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  const words = folded.split(/[^a-z0-9]+/).filter((word) => word.length > 0);
  let slug = '';
  for (const word of words) {
    const next = slug.length === 0 ? word : `${slug}-${word}`;
    if (next.length <= maxLength) {
      slug = next;
      continue;
    }
    // The first word alone is too long, or the cut would leave most of the budget empty: cut hard.
    if (slug.length < maxLength / 2) slug = next.slice(0, maxLength).replace(/-+$/, '');
    break;
  }
  return slug;
}

/** `YYYYMMDD-HHMMSS` in UTC, so names sort by creation time whatever the machine's zone. */
export function timestampForFileName(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}` +
    `-${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`
  );
}

/** Lower-case, no dot, `jpeg` → `jpg`; anything but letters and digits is dropped. */
export function normalizeExtension(extension: string): string {
  const clean = extension
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 8);
  if (clean === 'jpeg') return 'jpg';
  return clean.length > 0 ? clean : 'bin';
}

export function imageFileName(input: ImageFileNameInput): string {
  const time = Number.isNaN(input.date.getTime()) ? 'undated' : timestampForFileName(input.date);
  const slug = slugify(input.prompt) || FALLBACK_SLUG;
  const position = Number.isInteger(input.index) && input.index >= 0 ? input.index + 1 : 1;
  return `${time}-${slug}-${position}.${normalizeExtension(input.extension)}`;
}
