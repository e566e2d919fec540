// Shared set-up for the core's integration tests: the built @brushwork/core over real HTTP (got and
// fetch transports) against the fake upstream, with a recording sleep so retry waits cost no time.
import {
  type ImageClient,
  ImageError,
  type ProgressEvent,
  type ProviderConfig,
  type Sleep,
  type Transport,
} from '@brushwork/core';
import { createFetchTransport, createImageClient, type NodeClientOptions } from '@brushwork/core/node';
import { createGotTransport } from '@brushwork/core/got';
import { expect } from 'vitest';

/** Accepted by the fake (any key starting with sk-test); the SECRET part must never show anywhere. */
export const KEY = 'sk-test-SECRETPART-0123456789abcdef';
export const SECRET = 'SECRETPART';

export interface TransportCase {
  name: 'got' | 'fetch';
  make(): Transport;
}

export const TRANSPORTS: readonly TransportCase[] = [
  { name: 'got', make: () => createGotTransport() },
  { name: 'fetch', make: () => createFetchTransport() },
];

/** A Sleep that records every wait and returns at once; it still rejects when the signal aborts. */
export interface RecordingSleep {
  sleep: Sleep;
  delays: number[];
}

export function recordingSleep(onSleep?: (ms: number) => void): RecordingSleep {
  const delays: number[] = [];
  const sleep: Sleep = async (ms, signal) => {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    delays.push(ms);
    onSleep?.(ms);
  };
  return { sleep, delays };
}

/** A Sleep that never resolves by itself: only the signal ends it (rejecting). Records the waits asked. */
export function endlessSleep(): RecordingSleep & { started: Promise<void> } {
  const delays: number[] = [];
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const sleep: Sleep = (ms, signal) =>
    new Promise<void>((_, reject) => {
      delays.push(ms);
      markStarted();
      if (signal?.aborted) reject(signal.reason);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  return { sleep, delays, started };
}

export interface Harness {
  client: ImageClient;
  delays: number[];
  events: ProgressEvent[];
  /** generate() options with the progress recorder (and a signal, when given). */
  call(signal?: AbortSignal): { onProgress: (event: ProgressEvent) => void; signal?: AbortSignal };
}

export function harness(
  provider: ProviderConfig,
  transport: Transport,
  options: Omit<NodeClientOptions, 'provider' | 'transport'> = {},
): Harness {
  const recorder = recordingSleep();
  const events: ProgressEvent[] = [];
  const client = createImageClient({
    provider,
    transport,
    sleep: options.sleep ?? recorder.sleep,
    random: () => 0,
    ...options,
  });
  return {
    client,
    delays: recorder.delays,
    events,
    call: (signal) => ({ onProgress: (event) => events.push(event), ...(signal ? { signal } : {}) }),
  };
}

/** Awaits a promise that must reject with an ImageError, and returns that error. */
export async function imageError(promise: Promise<unknown>): Promise<ImageError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImageError);
  return error as ImageError;
}

/** Resolves once `check` is true, polling every few ms (bounded: fails the test after `limitMs`). */
export async function until(check: () => boolean, limitMs = 5_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((byte, i) => bytes[i] === byte);
}

/** Width and height from a PNG's IHDR, read here independently of the core. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
