/**
 * The core's image sink for the MCP server: each image is written to a hidden temp file in the output
 * directory as it is decoded, so a photo-sized answer is never held whole in memory (its provenance is
 * read on the way). results.ts gives
 * each finished temp file its final name (publishFile); `discard` removes whatever was not published
 * (an error, cancellation, a dropped connection), so a call never leaves a partial file behind.
 */
import type { FileHandle } from 'node:fs/promises';
import { unlink } from 'node:fs/promises';
import { type ImageSink, type ImageWriter, type Provenance, ProvenanceScanner } from '@brushwork/core';
import { createTempFile } from './files.js';

/** One image's temp file; its provenance is read from the bytes on their way to it. */
export class TempImageFile implements ImageWriter {
  private open = true;
  private readonly scanner = new ProvenanceScanner();

  constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  async write(bytes: Uint8Array): Promise<void> {
    this.scanner.push(bytes);
    for (let at = 0; at < bytes.length; ) {
      const { bytesWritten } = await this.handle.write(bytes, at, bytes.length - at);
      at += bytesWritten;
    }
  }

  /** Whether the bytes written carry content credentials (C2PA); final once closed. */
  provenance(): Provenance {
    return this.scanner.finish();
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.handle.close();
  }

  async abort(): Promise<void> {
    if (this.open) {
      this.open = false;
      await this.handle.close().catch(() => {});
    }
    await unlink(this.path).catch(() => {});
  }
}

export interface ImageFileSink extends ImageSink {
  /** The temp file an image was written to, when this sink opened it. */
  fileOf(writer: ImageWriter): TempImageFile | undefined;
  /** Removes every temp file still there (never published). Call it once the call is over, whatever happened. */
  discard(): Promise<void>;
}

export function createImageFileSink(dir: string): ImageFileSink {
  const files = new Set<TempImageFile>();
  return {
    async open() {
      const { path, handle } = await createTempFile(dir, 'image');
      const file = new TempImageFile(path, handle);
      files.add(file);
      return file;
    },
    fileOf(writer) {
      return writer instanceof TempImageFile && files.has(writer) ? writer : undefined;
    },
    async discard() {
      const left = [...files];
      files.clear();
      await Promise.all(left.map((file) => file.abort()));
    },
  };
}
