/**
 * Handing images to an injected ImageSink (types.ts) instead of holding them: the writers of one
 * answer's images, fed piece by piece as the streaming decoder (decode-stream.ts) decodes them, and
 * images that arrived whole (URL downloads, server-sent events, small answers) written in one go. The
 * core does no I/O here: the sink does, at the consumer's edge.
 */
import type { ImageSink, ImageWriter, SunkImage } from '../types.js';

/**
 * How much of an image's start is kept to read its type and size from (a JPEG's size comes after its
 * metadata segments, content credentials included).
 */
export const HEAD_BYTES = 256 * 1024;

/** A sunk image with its first bytes (at most HEAD_BYTES). */
export interface SunkHead extends SunkImage {
  head: Uint8Array;
}

interface Entry {
  writer: ImageWriter;
  head: Uint8Array[];
  headLength: number;
  byteLength: number;
}

/** The writers of one answer's images (the k-th image decoded: writer k), opened as their first bytes arrive. */
export class SinkWriters {
  private readonly entries: Entry[] = [];

  constructor(private readonly sink: ImageSink) {}

  /** Writes the next bytes of the k-th image, opening its writer first. */
  async write(k: number, bytes: Uint8Array): Promise<void> {
    let entry = this.entries[k];
    if (!entry) {
      entry = { writer: await this.sink.open(), head: [], headLength: 0, byteLength: 0 };
      this.entries[k] = entry;
    }
    if (entry.headLength < HEAD_BYTES) {
      // A copy: the writer may reuse the array once its write settles.
      const piece = bytes.slice(0, HEAD_BYTES - entry.headLength);
      entry.head.push(piece);
      entry.headLength += piece.length;
    }
    entry.byteLength += bytes.length;
    await entry.writer.write(bytes);
  }

  /** The k-th image, once written (its writer closed by `closeAll`). */
  sunk(k: number): SunkHead {
    const entry = this.entries[k];
    if (!entry) throw new Error(`no image ${k + 1} was written`);
    const head = new Uint8Array(entry.headLength);
    let at = 0;
    for (const piece of entry.head) {
      head.set(piece, at);
      at += piece.length;
    }
    return { writer: entry.writer, byteLength: entry.byteLength, head };
  }

  async closeAll(): Promise<void> {
    for (const entry of this.entries) if (entry) await entry.writer.close();
  }

  async abortAll(): Promise<void> {
    await Promise.all(this.entries.map((entry) => entry?.writer.abort().catch(() => {})));
  }
}

/** An image already in memory, written whole to the sink. */
export async function sinkWhole(sink: ImageSink, bytes: Uint8Array): Promise<SunkImage> {
  const writer = await sink.open();
  try {
    await writer.write(bytes);
    await writer.close();
  } catch (error) {
    await writer.abort().catch(() => {});
    throw error;
  }
  return { writer, byteLength: bytes.length };
}

/** Drops the images of a result that will not be delivered (cancellation, a failure after they were written). */
export async function abortSunk(images: readonly { sunk?: SunkImage }[]): Promise<void> {
  await Promise.all(images.map((image) => image.sunk?.writer.abort().catch(() => {})));
}
