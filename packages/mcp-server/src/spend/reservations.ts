/**
 * Money set aside for calls in flight, visible to every process sharing the output directory: one small
 * file per reservation in `.brushwork-reservations/`, written and removed only while holding the ledger
 * lock. A reservation whose process died (same host, pid gone) or that outlived `ttlMs` is ignored, so a
 * crash never blocks the budget for long.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pidAlive } from './lock.js';

export const RESERVATIONS_DIR = '.brushwork-reservations';

export interface ReservationRecord {
  id: string;
  usd: number;
  time: number;
  pid: number;
  host: string;
  tool: string;
}

function alive(record: ReservationRecord, now: number, ttlMs: number): boolean {
  if (now - record.time > ttlMs) return false;
  return record.host !== hostname() || pidAlive(record.pid);
}

/** USD held by live reservations (caller holds the lock). */
export async function reservedUsd(dir: string, now: number, ttlMs: number): Promise<number> {
  let names: string[];
  try {
    names = await readdir(join(dir, RESERVATIONS_DIR));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let micros = 0;
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    try {
      const record = JSON.parse(await readFile(join(dir, RESERVATIONS_DIR, name), 'utf8')) as ReservationRecord;
      if (alive(record, now, ttlMs)) micros += Math.round(record.usd * 1e6);
      else await unlink(join(dir, RESERVATIONS_DIR, name)).catch(() => {});
    } catch {
      // removed meanwhile, or not ours
    }
  }
  return micros / 1e6;
}

/** Writes a reservation (caller holds the lock); returns its id. */
export async function addReservation(dir: string, usd: number, tool: string, now: number): Promise<string> {
  const id = randomUUID();
  await mkdir(join(dir, RESERVATIONS_DIR), { recursive: true });
  const record: ReservationRecord = { id, usd, time: now, pid: process.pid, host: hostname(), tool };
  await writeFile(join(dir, RESERVATIONS_DIR, `${id}.json`), JSON.stringify(record), { mode: 0o600 });
  return id;
}

export async function removeReservation(dir: string, id: string): Promise<void> {
  await unlink(join(dir, RESERVATIONS_DIR, `${id}.json`)).catch(() => {});
}
