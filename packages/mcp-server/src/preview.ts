/**
 * Inline previews: each image downscaled and re-encoded (sharp) so that all previews of one result,
 * as base64, fit a budget. Opaque images become JPEG; images with an alpha channel WebP (keeps the
 * transparency). The full-resolution files are linked, never inlined.
 */
import sharp from 'sharp';

type Metadata = Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;

// Previews are one-off: libvips' operation cache (up to 50 MB by default) would only hold memory.
sharp.cache(false);

/**
 * Previews made at once, process-wide. Each one decodes the whole image in libvips (a 1536x1024 PNG is
 * ~5 MB of pixels, a 3840x2160 one ~25 MB) on a thread-pool thread, and glibc keeps what each thread
 * freed in that thread's own arena: ten at once cost ~60 MB of resident memory that never comes back,
 * one at a time costs one decode. A small preview takes tens of ms, so the queue stays short.
 */
export const PREVIEW_CONCURRENCY = 1;

let running = 0;
const waiting: (() => void)[] = [];

async function exclusive<T>(work: () => Promise<T>): Promise<T> {
  if (running >= PREVIEW_CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next in line (running stays the same), or free it.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export interface Preview {
  /** Base64. */
  data: string;
  mimeType: 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
}

/** Long sides tried, largest first; never above the original. */
const LONG_SIDES = [768, 512, 384, 256, 192, 128, 96, 64] as const;
const QUALITY = 72;
const LOW_QUALITY = 45;

export function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

/** What sharp reads an image from: its bytes, or the path of a file it opens itself. */
export type PreviewInput = Uint8Array | string;

/**
 * An image for a preview: its bytes, or a lender that hands it over when the preview's turn comes (so
 * that only one image waiting for its preview is open or in memory at a time) and takes it back after;
 * undefined from it: no preview.
 */
export type PreviewSource =
  | Uint8Array
  | ((use: (image: PreviewInput) => Promise<Preview | undefined>) => Promise<Preview | undefined>);

/**
 * One preview whose base64 is at most `budget` characters, or undefined when even the smallest try
 * does not fit (or the bytes are not a readable image).
 */
export async function makePreview(image: PreviewSource, budget: number): Promise<Preview | undefined> {
  if (budget < 200) return undefined;
  return exclusive(() =>
    typeof image === 'function' ? image((input) => previewOf(input, budget)) : previewOf(image, budget),
  );
}

/**
 * Given a file path, libvips reads the file itself: a 3840x2160 photo's preview then costs what the
 * resize holds (~22 MB), where the same image as bytes in memory costs that plus the file (~47 MB).
 */
async function previewOf(input: PreviewInput, budget: number): Promise<Preview | undefined> {
  let meta: Metadata;
  try {
    meta = await sharp(input).metadata();
  } catch {
    return undefined;
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width === 0 || height === 0) return undefined;
  const alpha = meta.hasAlpha === true;
  const longSide = Math.max(width, height);
  const sides = [...new Set(LONG_SIDES.map((side) => Math.min(side, longSide)))];

  const encode = async (side: number, quality: number): Promise<Preview> => {
    const scale = side / longSide;
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    const pipeline = sharp(input).resize(w, h, { fit: 'fill' });
    const output = alpha
      ? await pipeline.webp({ quality, effort: 2 }).toBuffer()
      : await pipeline.flatten({ background: '#ffffff' }).jpeg({ quality, mozjpeg: false }).toBuffer();
    return { data: output.toString('base64'), mimeType: alpha ? 'image/webp' : 'image/jpeg', width: w, height: h };
  };

  try {
    let i = 0;
    while (i < sides.length) {
      const side = sides[i]!;
      const preview = await encode(side, QUALITY);
      if (preview.data.length <= budget) return preview;
      // Bytes scale roughly with the pixel count: jump straight to a side that should fit.
      const target = side * Math.sqrt(budget / preview.data.length) * 0.95;
      const next = sides.findIndex((s) => s <= target);
      i = next === -1 ? sides.length : Math.max(next, i + 1);
    }
    const last = await encode(sides[sides.length - 1]!, LOW_QUALITY);
    return last.data.length <= budget ? last : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Previews for several images sharing one budget (base64 characters), an equal share each. Asked for
 * together, made one at a time (PREVIEW_CONCURRENCY): see above.
 */
export async function makePreviews(images: readonly PreviewSource[], budget: number): Promise<(Preview | undefined)[]> {
  if (images.length === 0) return [];
  const share = Math.floor(Math.max(0, budget) / images.length);
  return Promise.all(images.map((bytes) => makePreview(bytes, share)));
}
