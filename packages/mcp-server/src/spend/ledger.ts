/**
 * The spend ledger: `brushwork-ledger.jsonl` in the output directory, one JSON line per call. Lines are
 * appended while holding the directory's lock (lock.ts), each with one write() on a descriptor opened with
 * O_APPEND, so lines from concurrent calls and other processes never interleave or overwrite each other,
 * whatever their length (O_APPEND alone keeps a single write whole on local file systems; the lock also
 * covers network file systems where it does not). The reader picks up where it stopped, so a budget check
 * reads only what was appended since the last one.
 */
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cost, Usage } from '@brushwork/core';

export const LEDGER_FILE = 'brushwork-ledger.jsonl';
export const LOCK_FILE = '.brushwork-ledger.lock';

/** One call, as written to the ledger. Never holds a key; the prompt only when BRUSHWORK_LEDGER_PROMPTS=1. */
export interface LedgerLine {
  time: string;
  tool: string;
  model?: string;
  size?: string;
  quality?: string;
  n: number;
  /** Images that arrived. */
  images: number;
  usage?: Usage;
  cost: { usd: number | null; basis: Cost['basis']; priceDate: string | null };
  /** The estimate made before the call (null: no price). */
  estimateUsd: number | null;
  /** Saved file names (in the output directory). */
  files: string[];
  outcome: 'ok' | 'error';
  error?: string;
  prompt?: string;
}

export function ledgerPath(dir: string): string {
  return join(dir, LEDGER_FILE);
}

/** Appends one line (caller holds the lock): a single write on an O_APPEND descriptor. */
export async function appendLedgerLine(dir: string, line: LedgerLine): Promise<void> {
  const handle = await open(ledgerPath(dir), 'a', 0o600);
  try {
    await handle.write(Buffer.from(`${JSON.stringify(line)}\n`, 'utf8'));
  } finally {
    await handle.close();
  }
}

/** Spend entries of the ledger, read incrementally. */
export class LedgerReader {
  private offset = 0;
  private tail = '';
  private entries: Array<{ time: number; usd: number }> = [];
  /** Lines that were not valid ledger JSON (skipped). */
  invalidLines = 0;

  constructor(private readonly dir: string) {}

  /** Reads what was appended since the last call (from the start when the file shrank or was replaced). */
  async refresh(): Promise<void> {
    const path = ledgerPath(this.dir);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.reset();
        return;
      }
      throw error;
    }
    if (size < this.offset) this.reset();
    if (size === this.offset) return;
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      this.offset += bytesRead;
      const text = this.tail + buffer.subarray(0, bytesRead).toString('utf8');
      const lines = text.split('\n');
      this.tail = lines.pop() ?? '';
      for (const line of lines) this.add(line);
    } finally {
      await handle.close();
    }
  }

  /** USD spent by calls whose time is at or after `since` (ms). */
  spentSince(since: number): number {
    let micros = 0;
    for (const entry of this.entries) if (entry.time >= since) micros += Math.round(entry.usd * 1e6);
    return micros / 1e6;
  }

  private add(line: string): void {
    if (line.trim() === '') return;
    try {
      const parsed = JSON.parse(line) as Partial<LedgerLine>;
      const time = Date.parse(String(parsed.time));
      const usd = parsed.cost?.usd;
      if (!Number.isFinite(time)) throw new Error('no time');
      this.entries.push({ time, usd: typeof usd === 'number' && Number.isFinite(usd) ? usd : 0 });
    } catch {
      this.invalidLines++;
    }
  }

  private reset(): void {
    this.offset = 0;
    this.tail = '';
    this.entries = [];
    this.invalidLines = 0;
  }
}
