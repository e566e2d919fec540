import type { HttpRequest, HttpResponse, Transport } from '@brushwork/core';
import { describe, expect, it, vi } from 'vitest';
import { createMemoryPacer, exposeGc } from '../src/memory.js';

const request: HttpRequest = { method: 'GET', url: 'http://127.0.0.1/x', headers: {}, timeoutMs: 1000 };

describe('memory pacer', () => {
  it('collects young garbage while requests are in flight and buffers grow, and passes answers through', async () => {
    vi.useFakeTimers();
    try {
      const gc = vi.fn();
      let buffers = 0;
      const pacer = createMemoryPacer(gc, { intervalMs: 10, everyBytes: 100, bufferBytes: () => buffers });
      let answer!: (response: HttpResponse) => void;
      const inner: Transport = () => new Promise((resolve) => (answer = resolve));
      const transport = pacer.wrap(inner);
      const pending = transport(request);
      expect(pacer.inFlight).toBe(1);
      // Waiting for an answer (no buffers growing): nothing to collect.
      await vi.advanceTimersByTimeAsync(35);
      expect(gc).not.toHaveBeenCalled();
      // Bytes arriving: one collection per tick that saw 100 new bytes.
      buffers = 250;
      await vi.advanceTimersByTimeAsync(10);
      expect(gc).toHaveBeenCalledTimes(1);
      expect(gc).toHaveBeenCalledWith({ type: 'minor' });
      buffers = 300;
      await vi.advanceTimersByTimeAsync(10);
      expect(gc).toHaveBeenCalledTimes(1);
      const body = new Uint8Array([1, 2, 3]);
      answer({ status: 200, headers: {}, body });
      expect(await pending).toEqual({ status: 200, headers: {}, body });
      expect(pacer.inFlight).toBe(0);
      const calls = gc.mock.calls.length;
      await vi.advanceTimersByTimeAsync(100);
      expect(gc.mock.calls.length).toBe(calls);
    } finally {
      vi.useRealTimers();
    }
  });

  it('counts a streamed body until it is read, and failures too', async () => {
    const pacer = createMemoryPacer(undefined);
    async function* chunks() {
      yield new Uint8Array([1]);
      yield new Uint8Array([2]);
    }
    const streamed = await pacer.wrap(async () => ({ status: 200, headers: {}, chunks: chunks() }))(request);
    expect(pacer.inFlight).toBe(1);
    const seen: number[] = [];
    for await (const chunk of streamed.chunks ?? []) seen.push(...chunk);
    expect(seen).toEqual([1, 2]);
    expect(pacer.inFlight).toBe(0);
    const failing = pacer.wrap(async () => {
      throw new Error('reset');
    });
    await expect(failing(request)).rejects.toThrow('reset');
    expect(pacer.inFlight).toBe(0);
  });

  it('exposes V8 gc', () => {
    expect(typeof exposeGc()).toBe('function');
  });
});
