// Images saved as they arrive: the core hands each decoded piece to the call's file sink, which writes
// a hidden temp file in the output directory; the finished file is published under its name, byte for
// byte the upstream's b64_json, and previews are made from it. An error or a cancellation mid-stream
// leaves no file, temp or final.
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { HttpResponse, Transport } from '@brushwork/core';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { blocksOf, type Harness, startHarness, textOf } from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** An incompressible PNG of a few hundred kB (noise), like a photo. */
async function photo(): Promise<Buffer> {
  const width = 384;
  const height = 256;
  const pixels = randomBytes(width * height * 3);
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

function answer(png: Buffer): Buffer {
  return Buffer.from(
    JSON.stringify({
      created: 1_700_000_000,
      data: [{ b64_json: png.toString('base64'), revised_prompt: 'a revised fox' }],
      usage: { input_tokens: 10, output_tokens: 100, total_tokens: 110 },
    }),
  );
}

/**
 * A transport streaming `body` in 16 kB chunks; after `pauseAt` bytes it waits for `resume()` (or
 * throws, with `fail`), so a test can look at the output directory mid-stream.
 */
function streamingTransport(body: Buffer, pauseAt: number, fail = false) {
  let resume!: () => void;
  const resumed = new Promise<void>((resolve) => {
    resume = resolve;
  });
  let paused!: () => void;
  const reachedPause = new Promise<void>((resolve) => {
    paused = resolve;
  });
  const transport: Transport = async (request) => {
    if (!request.url.endsWith('/images/generations')) throw new Error(`unexpected ${request.url}`);
    const chunks = async function* () {
      for (let at = 0; at < body.length; at += 16 * 1024) {
        if (at >= pauseAt && at - 16 * 1024 < pauseAt) {
          paused();
          await Promise.race([
            resumed,
            new Promise((_, reject) => {
              request.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
            }),
          ]);
          if (fail) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        yield Uint8Array.from(body.subarray(at, at + 16 * 1024));
      }
    };
    const response: HttpResponse = {
      status: 200,
      headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
      chunks: chunks(),
    };
    return response;
  };
  return { transport, resume, reachedPause };
}

const env = { OPENAI_API_KEY: 'sk-test-file-sink-0123456789' };

async function listing(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).filter((name) => !name.startsWith('brushwork-ledger')).sort();
}

describe('images saved as they arrive', () => {
  it('writes the image to a temp file while the body streams, then publishes it byte for byte, with a preview', async () => {
    const png = await photo();
    const body = answer(png);
    const upstream = streamingTransport(body, Math.floor(body.length / 2));
    harness = await startHarness(env, [], { transport: upstream.transport });
    const call = harness.client.callTool({ name: 'generate_image', arguments: { prompt: 'a fox', filename: 'fox' } });

    await upstream.reachedPause;
    // Half the body is in: the image's first half is on disk already, in a hidden temp file.
    const dir = harness.outputDir;
    await expect
      .poll(async () => {
        const temps = (await listing(dir)).filter((name) => name.endsWith('.tmp'));
        return temps.length === 1 ? (await stat(join(dir, temps[0]!))).size : 0;
      })
      .toBeGreaterThan(png.length / 4);
    expect((await listing(dir)).filter((name) => !name.startsWith('.'))).toEqual([]);

    upstream.resume();
    const result = await call;
    expect(result.isError).toBeFalsy();
    expect(await listing(dir)).toEqual(['fox.png']);
    expect(Buffer.compare(await readFile(join(dir, 'fox.png')), png)).toBe(0);
    const image = (result.structuredContent as { images: Record<string, unknown>[] }).images[0]!;
    expect(image).toMatchObject({ bytes: png.length, width: 384, height: 256, mimeType: 'image/png', preview: true });
    expect(image.revisedPrompt).toBe('a revised fox');
    const preview = blocksOf(result, 'image')[0]!;
    expect(preview.mimeType).toBe('image/jpeg');
    expect((await sharp(Buffer.from(String(preview.data), 'base64')).metadata()).width).toBeGreaterThan(0);
  });

  it('leaves no file, temp or final, when the connection fails mid-stream', async () => {
    const png = await photo();
    const body = answer(png);
    const upstream = streamingTransport(body, Math.floor(body.length / 2), true);
    harness = await startHarness(env, [], { transport: upstream.transport });
    const call = harness.client.callTool({ name: 'generate_image', arguments: { prompt: 'a fox' } });
    await upstream.reachedPause;
    await expect.poll(async () => (await listing(harness!.outputDir)).length).toBe(1);
    upstream.resume();
    const result = await call;
    expect(result.isError).toBe(true);
    expect(textOf(result)).not.toContain(env.OPENAI_API_KEY);
    expect(await listing(harness.outputDir)).toEqual([]);
  });

  it('leaves no file when the call is cancelled mid-stream', async () => {
    const png = await photo();
    const body = answer(png);
    const upstream = streamingTransport(body, Math.floor(body.length / 2));
    harness = await startHarness(env, [], { transport: upstream.transport });
    const controller = new AbortController();
    const call = harness.client.callTool({ name: 'generate_image', arguments: { prompt: 'a fox' } }, undefined, {
      signal: controller.signal,
    });
    await upstream.reachedPause;
    await expect.poll(async () => (await listing(harness!.outputDir)).length).toBe(1);
    controller.abort('user pressed stop');
    await expect(call).rejects.toThrow();
    await expect.poll(async () => listing(harness!.outputDir)).toEqual([]);
  });
});
