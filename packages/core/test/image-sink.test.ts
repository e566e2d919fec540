// An injected image sink (CallOptions.imageSink): every image of the result goes to it instead of
// memory, the streamed ones piece by piece as they are decoded; images that will not be delivered
// (an error mid-stream, a retry, cancellation, extra images) are aborted, never closed.
import { describe, expect, it } from 'vitest';
import { ImageError } from '../src/errors/image-error.js';
import { createImageClient } from '../src/node.js';
import type { HttpResponse, ImageSink, Transport } from '../src/types.js';
import { fakePng, imagesBody, json, recordingSleep } from './scripted-transport.js';

interface Recorded {
  pieces: Uint8Array[];
  /** Bytes the body had delivered when each piece was written. */
  deliveredAt: number[];
  closed: boolean;
  aborted: boolean;
}

function recordingSink(delivered: () => number = () => 0) {
  const writers: Recorded[] = [];
  const sink: ImageSink = {
    async open() {
      const recorded: Recorded = { pieces: [], deliveredAt: [], closed: false, aborted: false };
      writers.push(recorded);
      return {
        async write(bytes) {
          recorded.pieces.push(Uint8Array.from(bytes));
          recorded.deliveredAt.push(delivered());
        },
        async close() {
          recorded.closed = true;
        },
        async abort() {
          recorded.aborted = true;
        },
      };
    },
  };
  const bytesOf = (recorded: Recorded) => Buffer.concat(recorded.pieces);
  return { sink, writers, bytesOf };
}

/** A PNG-looking image of `size` random bytes after its header. */
const image = (size: number) => Buffer.from(fakePng(1536, 1024, size));

/**
 * A streamed JSON answer in `chunkSize` pieces; `failAt`: the connection breaks after that many bytes;
 * `hangAt`: the body stops there until the request is aborted.
 */
function streamed(
  body: Buffer,
  options: { chunkSize?: number; failAt?: number; hangAt?: number; signal?: AbortSignal } = {},
) {
  let delivered = 0;
  const chunkSize = options.chunkSize ?? 16 * 1024;
  const response = (): HttpResponse => ({
    status: 200,
    headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
    chunks: (async function* () {
      for (let at = 0; at < body.length; at += chunkSize) {
        if (options.failAt !== undefined && at >= options.failAt) {
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        if (options.hangAt !== undefined && at >= options.hangAt) {
          await new Promise((_, reject) =>
            options.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
          );
        }
        const chunk = body.subarray(at, at + chunkSize);
        delivered += chunk.length;
        yield Uint8Array.from(chunk);
      }
    })(),
  });
  return { response, delivered: () => delivered };
}

function client(transport: Transport, maxRetries = 0) {
  const { sleep } = recordingSleep();
  return createImageClient({ provider: { kind: 'openai', apiKey: 'sk-test-sink' }, transport, sleep, maxRetries });
}

const request = { prompt: 'a fox', model: 'gpt-image-1.5', size: '1536x1024', n: 2 };

describe('image sink', () => {
  it('receives exactly the decoded bytes, in order, while the body is still arriving', async () => {
    const images = [image(300_000), image(200_001)];
    const body = Buffer.from(JSON.stringify(imagesBody(images, { usage: { total_tokens: 5 } })));
    const upstream = streamed(body);
    const { sink, writers, bytesOf } = recordingSink(upstream.delivered);
    const result = await client(async () => upstream.response()).generate(request, { imageSink: sink });

    expect(writers).toHaveLength(2);
    expect(writers.map((w) => Buffer.compare(bytesOf(w), images[writers.indexOf(w)]!))).toEqual([0, 0]);
    expect(writers.every((w) => w.closed && !w.aborted)).toBe(true);
    // Handed on piece by piece: the first image's pieces were written long before the body ended.
    expect(writers[0]!.pieces.length).toBeGreaterThan(10);
    expect(writers[0]!.deliveredAt[0]).toBeLessThan(body.length / 4);
    expect(result.images.map((i) => ({ ...i, sunk: i.sunk?.byteLength, bytes: i.bytes.length }))).toEqual([
      {
        index: 0,
        bytes: 0,
        sunk: images[0]!.length,
        mimeType: 'image/png',
        extension: 'png',
        width: 1536,
        height: 1024,
      },
      {
        index: 1,
        bytes: 0,
        sunk: images[1]!.length,
        mimeType: 'image/png',
        extension: 'png',
        width: 1536,
        height: 1024,
      },
    ]);
    expect(result.usage?.totalTokens).toBe(5);
  });

  it('gets images that arrived whole (an answer read in one piece) in one write', async () => {
    const images = [image(100), image(300_000)];
    const { sink, writers, bytesOf } = recordingSink();
    const result = await client(async () => json(200, imagesBody(images))).generate(request, { imageSink: sink });
    expect(writers.map((w) => w.pieces.length)).toEqual([1, 1]);
    expect(writers.map((w, i) => Buffer.compare(bytesOf(w), images[i]!))).toEqual([0, 0]);
    expect(result.images.map((i) => [i.bytes.length, i.sunk?.byteLength])).toEqual([
      [0, images[0]!.length],
      [0, images[1]!.length],
    ]);
  });

  it('aborts what was written when the connection breaks mid-stream, and the retry writes afresh', async () => {
    const images = [image(400_000)];
    const body = Buffer.from(JSON.stringify(imagesBody(images)));
    let attempt = 0;
    const transport: Transport = async () =>
      streamed(body, attempt++ === 0 ? { failAt: body.length / 2 } : {}).response();
    const { sink, writers, bytesOf } = recordingSink();
    const result = await client(transport, 2).generate({ ...request, n: 1 }, { imageSink: sink });
    expect(writers.map((w) => [w.closed, w.aborted])).toEqual([
      [false, true],
      [true, false],
    ]);
    expect(writers[0]!.pieces.length).toBeGreaterThan(0);
    expect(Buffer.compare(bytesOf(writers[1]!), images[0]!)).toBe(0);
    expect(result.images[0]!.sunk?.byteLength).toBe(images[0]!.length);
  });

  it('aborts what was written when the call is cancelled mid-stream', async () => {
    const body = Buffer.from(JSON.stringify(imagesBody([image(400_000)])));
    const controller = new AbortController();
    const { sink, writers } = recordingSink();
    const call = client(async (req) => streamed(body, { hangAt: body.length / 2, signal: req.signal }).response());
    const pending = call.generate({ ...request, n: 1 }, { imageSink: sink, signal: controller.signal });
    await expect.poll(() => writers[0]?.pieces.length ?? 0).toBeGreaterThan(0);
    controller.abort('stop');
    const error = await pending.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImageError);
    expect((error as ImageError).kind).toBe('cancelled');
    expect(writers.map((w) => [w.closed, w.aborted])).toEqual([[false, true]]);
  });

  it('aborts images the service sent beyond those asked for', async () => {
    const images = [image(100_000), image(100_000), image(100_000)];
    const body = Buffer.from(JSON.stringify(imagesBody(images)));
    const { sink, writers } = recordingSink();
    const result = await client(async () => streamed(body).response()).generate(request, { imageSink: sink });
    expect(result.images).toHaveLength(2);
    expect(writers.map((w) => w.aborted)).toEqual([false, false, true]);
  });

  it('fails with bad_response and aborts when the answer turns unreadable after bytes were handed on', async () => {
    const good = image(300_000).toString('base64');
    const bad = `${good.slice(0, 200_000)}\\n${good.slice(200_000)}`;
    const body = Buffer.from(`{"created":1,"data":[{"b64_json":"${bad}"}]}`);
    const { sink, writers } = recordingSink();
    const error = await client(async () => streamed(body).response())
      .generate({ ...request, n: 1 }, { imageSink: sink })
      .catch((caught: unknown) => caught);
    expect((error as ImageError).kind).toBe('bad_response');
    expect(writers.map((w) => [w.closed, w.aborted])).toEqual([[false, true]]);
  });

  it('leaves the result as before without a sink: bytes in memory', async () => {
    const images = [image(300_000), image(1000)];
    const body = Buffer.from(JSON.stringify(imagesBody(images)));
    const result = await client(async () => streamed(body).response()).generate(request);
    expect(result.images.map((i) => Buffer.compare(Buffer.from(i.bytes), images[i.index]!))).toEqual([0, 0]);
    expect(result.images.every((i) => i.sunk === undefined)).toBe(true);
  });
});
