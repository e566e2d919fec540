/** A bounded in-memory LRU of rendered images, served back at {base}/files/<id> for URL responses. */

export interface StoredFile {
  bytes: Uint8Array;
  contentType: string;
}

export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  private bytes = 0;
  constructor(
    private readonly maxFiles = 64,
    private readonly maxBytes = 256 * 1024 * 1024,
  ) {}

  put(id: string, file: StoredFile): void {
    this.delete(id);
    this.files.set(id, file);
    this.bytes += file.bytes.length;
    while (this.files.size > this.maxFiles || (this.bytes > this.maxBytes && this.files.size > 1)) {
      const oldest = this.files.keys().next().value as string;
      this.delete(oldest);
    }
  }

  get(id: string): StoredFile | undefined {
    const file = this.files.get(id);
    if (file) {
      // Most recently used moves to the back.
      this.files.delete(id);
      this.files.set(id, file);
    }
    return file;
  }

  get size(): number {
    return this.files.size;
  }

  private delete(id: string): void {
    const old = this.files.get(id);
    if (old) {
      this.bytes -= old.bytes.length;
      this.files.delete(id);
    }
  }
}
