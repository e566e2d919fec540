/**
 * A lock shared by every process using one output directory: a lock file created with O_CREAT|O_EXCL
 * (`open(path, 'wx')`), which exactly one creator wins, on local and network file systems alike. Callers
 * in the same process queue on a promise chain first, so they never spin against each other. The holder
 * writes its pid, host and time into the file; a lock whose holder died (same host, pid gone) or that is
 * older than `staleMs` (holders keep it for a few file operations) is removed and retried.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';

export interface LockOptions {
  /** A lock older than this is taken as abandoned. Default 30 s. */
  staleMs?: number;
  /** Give up after this long. Default 60 s. */
  timeoutMs?: number;
}

const queues = new Map<string, Promise<unknown>>();

/** Whether a process of this host with that pid still runs. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isStale(path: string, staleMs: number): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return false; // gone already, or being written: retry
  }
  const [pidText, host, timeText] = text.split(' ');
  const pid = Number(pidText);
  const time = Number(timeText);
  if (host === hostname() && Number.isInteger(pid) && pid > 0 && !pidAlive(pid)) return true;
  return Number.isFinite(time) && Date.now() - time > staleMs;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function acquire(path: string, staleMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${process.pid} ${hostname()} ${Date.now()}`);
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isStale(path, staleMs)) {
      await unlink(path).catch(() => {});
      continue;
    }
    if (Date.now() > deadline) throw new Error(`Could not lock ${path} within ${Math.round(timeoutMs / 1000)} s`);
    await pause(2 + Math.floor(Math.random() * 8));
  }
}

/** Runs `fn` holding the lock file `path`. */
export function withFileLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const staleMs = options.staleMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const previous = queues.get(path) ?? Promise.resolve();
  const run = previous
    .catch(() => {})
    .then(async () => {
      await acquire(path, staleMs, timeoutMs);
      try {
        return await fn();
      } finally {
        await unlink(path).catch(() => {});
      }
    });
  const tail = run.catch(() => {});
  queues.set(path, tail);
  void tail.then(() => {
    if (queues.get(path) === tail) queues.delete(path);
  });
  return run;
}
