/**
 * Keeping the server's resident memory close to what it really holds while large answers stream in.
 *
 * Every read from a socket lands in a fresh 64 kB buffer that is garbage a moment later (the HTTP
 * parser hands the body on in copies). V8 frees such buffers only when it collects its young
 * generation, which it does after enough JavaScript objects were allocated, not after enough buffer
 * bytes: downloading ten photo-sized answers at once (60 MB) leaves tens of MB of dead buffers
 * waiting, and glibc keeps the pages they fragmented. While requests are in flight the pacer looks
 * every `intervalMs` at how many buffer bytes were allocated since its last collection and, past
 * `everyBytes`, asks V8 for a young-generation collection (a millisecond or two), so dead buffers are
 * freed and their memory reused at once. Waiting for a slow answer costs nothing; idle, it is off.
 *
 * It needs V8's gc function, which the CLI (an application, owning its process) exposes at start-up;
 * without it the pacer is a no-op. The core's own memory measures (ownership, in-place decoding, early
 * release) are explained in one place: packages/core/src/receive/memory.ts.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Transport } from '@brushwork/core';

type GcFunction = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void;

/** V8's gc function, exposed for this process; undefined when the runtime refuses. */
export function exposeGc(): GcFunction | undefined {
  const existing = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') return existing as GcFunction;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as GcFunction) : undefined;
  } catch {
    return undefined;
  }
}

export interface MemoryPacer {
  /** The transport, counting requests in flight (bodies included). */
  wrap(transport: Transport): Transport;
  /** Requests in flight now. */
  readonly inFlight: number;
}

export interface PacerOptions {
  /** How often to look (default 20 ms). */
  intervalMs?: number;
  /** Buffer bytes allocated since the last collection that make the next one worthwhile (default 1 MB). */
  everyBytes?: number;
  /** Buffer bytes in use now (default: process.memoryUsage().arrayBuffers). */
  bufferBytes?: () => number;
}

export function createMemoryPacer(gc: GcFunction | undefined, options: PacerOptions = {}): MemoryPacer {
  const intervalMs = options.intervalMs ?? 20;
  const everyBytes = options.everyBytes ?? 1024 * 1024;
  const bufferBytes = options.bufferBytes ?? (() => process.memoryUsage().arrayBuffers);
  let inFlight = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  let mark = 0;
  const collect = (force: boolean) => {
    try {
      if (!gc || (!force && bufferBytes() - mark < everyBytes)) return;
      gc({ type: 'minor' });
      mark = bufferBytes();
    } catch {
      // Never let housekeeping break a request.
    }
  };
  const start = () => {
    inFlight++;
    if (!gc || timer) return;
    mark = bufferBytes();
    timer = setInterval(() => collect(false), intervalMs);
    timer.unref();
  };
  const end = () => {
    inFlight--;
    if (inFlight > 0 || !timer) return;
    clearInterval(timer);
    timer = undefined;
    collect(true);
  };
  return {
    get inFlight() {
      return inFlight;
    },
    wrap(transport) {
      return async (request) => {
        start();
        let streaming = false;
        try {
          const response = await transport(request);
          const chunks = response.chunks;
          if (!chunks) return response;
          // A streamed body is still arriving: count it until it is read to the end.
          streaming = true;
          return {
            ...response,
            chunks: (async function* () {
              try {
                yield* chunks;
              } finally {
                end();
              }
            })(),
          };
        } finally {
          if (!streaming) end();
        }
      };
    },
  };
}
