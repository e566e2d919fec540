/**
 * The cost-relevant part of an `ImageRequest` or `EditRequest`: edits' input images become their sizes,
 * read with the function given (the core's `readImageSize`), so this file needs no image code of its own.
 */
import type { CostRequest } from './estimate.js';

/** What `costRequestOf` reads: an ImageRequest, or an EditRequest with its input images. */
export interface CostRequestSource extends Omit<CostRequest, 'inputImages'> {
  images?: ReadonlyArray<{ bytes: Uint8Array }>;
}

export function costRequestOf(
  request: CostRequestSource,
  readSize: (bytes: Uint8Array) => { width: number; height: number } | undefined,
): CostRequest {
  const { images, ...rest } = request;
  const out: CostRequest = {};
  for (const key of ['model', 'prompt', 'n', 'size', 'quality', 'stream', 'partialImages', 'inputFidelity'] as const) {
    if (rest[key] !== undefined) (out as Record<string, unknown>)[key] = rest[key];
  }
  if (images) out.inputImages = images.map((image) => readSize(image.bytes));
  return out;
}
