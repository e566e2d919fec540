import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../src/receive/base64.js';
import { downloadImage } from '../src/receive/download.js';
import { ImageError } from '../src/errors/image-error.js';
import { planCalls, runBounded } from '../src/request/fanout.js';
import { timerSleep } from '../src/transport/sleep.js';
import { fakePng, raw, scripted } from './scripted-transport.js';

describe('base64', () => {
  it('round-trips with Buffer and with the atob/btoa fallback', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 31) & 0xff);
    const text = encodeBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString('base64'));
    expect(Buffer.from(decodeBase64(text)).equals(Buffer.from(bytes))).toBe(true);
    const saved = globalThis.Buffer;
    try {
      (globalThis as { Buffer?: unknown }).Buffer = undefined;
      expect(encodeBase64(bytes)).toBe(text);
      const decoded = decodeBase64(`${text.slice(0, 40)}\n${text.slice(40)}`);
      expect(decoded).toEqual(bytes);
      expect(decodeBase64('-_8')).toEqual(new Uint8Array([0xfb, 0xff]));
    } finally {
      globalThis.Buffer = saved;
    }
  });
});

describe('planCalls / runBounded', () => {
  it('plans one call when n fits or the family is unknown, else calls of maxPerCall', () => {
    expect(planCalls(undefined, 1)).toEqual([{ call: 0, firstIndex: 0, indexes: [0] }]);
    expect(planCalls(4, undefined)).toEqual([{ call: 0, n: 4, firstIndex: 0, indexes: [0, 1, 2, 3] }]);
    expect(planCalls(3, 1).map((c) => [c.call, c.n, c.indexes])).toEqual([
      [0, 1, [0]],
      [1, 1, [1]],
      [2, 1, [2]],
    ]);
    expect(planCalls(5, 2).map((c) => [c.n, c.firstIndex])).toEqual([
      [2, 0],
      [2, 2],
      [1, 4],
    ]);
  });

  it('settles every task in index order, never rejecting', async () => {
    const results = await runBounded(4, 2, async (i) => {
      if (i === 2) throw new Error('boom');
      await new Promise((resolve) => setTimeout(resolve, (4 - i) * 2));
      return i * 10;
    });
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'x'))).toEqual([0, 10, 'x', 30]);
  });
});

describe('timerSleep', () => {
  it('resolves, and rejects at once when aborted (before or during)', async () => {
    await expect(timerSleep(1)).resolves.toBeUndefined();
    await expect(timerSleep(10_000, AbortSignal.abort(new Error('stop')))).rejects.toThrow('stop');
    const controller = new AbortController();
    const pending = timerSleep(60_000, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('downloadImage', () => {
  it('follows redirects without credentials and reads data: URLs', async () => {
    const png = fakePng(2, 2);
    const { transport, requests } = scripted([raw(302, '', { location: '/final.png' }), raw(200, png)]);
    const bytes = await downloadImage('https://cdn.example.com/start', { transport, timeoutMs: 1000, maxBytes: 1000 });
    expect(Buffer.from(bytes).equals(Buffer.from(png))).toBe(true);
    expect(requests.map((r) => r.url)).toEqual(['https://cdn.example.com/start', 'https://cdn.example.com/final.png']);
    expect(requests.every((r) => Object.keys(r.headers).join() === 'accept')).toBe(true);
    const inline = await downloadImage(`data:image/png;base64,${Buffer.from(png).toString('base64')}`, {
      transport,
      timeoutMs: 1,
      maxBytes: 1000,
    });
    expect(Buffer.from(inline).equals(Buffer.from(png))).toBe(true);
  });

  it('refuses non-http URLs', async () => {
    const { transport } = scripted([]);
    await expect(downloadImage('file:///etc/passwd', { transport, timeoutMs: 1, maxBytes: 1 })).rejects.toBeInstanceOf(
      ImageError,
    );
  });
});
