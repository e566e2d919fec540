// Images answers decoded as the body arrives (receive/decode-stream.ts): for any chunking, the same
// result and the same errors as reading the whole body with parseImagesBodyDecoded.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ImagesBodyDecoder, readImagesAnswer } from '../src/receive/decode-stream.js';
import { parseImagesBodyDecoded } from '../src/receive/parse-images.js';

const png = (size: number) =>
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(size)]);

function chunked(body: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  let k = 0;
  while (at < body.length) {
    const size = sizes[k++ % sizes.length] as number;
    out.push(body.subarray(at, at + size));
    at += size;
  }
  return out;
}

function outcome(run: () => unknown): unknown {
  try {
    const parsed = run() as { data: { bytes?: Uint8Array; b64Json?: string }[] };
    return {
      ...parsed,
      data: parsed.data.map((image) => ({
        ...image,
        bytes: image.bytes ? Buffer.from(image.bytes).toString('hex') : undefined,
        b64Json: image.b64Json,
      })),
    };
  } catch (error) {
    const e = error as { kind?: string; message?: string };
    return { error: e.kind, message: e.message };
  }
}

function viaStream(body: Buffer, sizes: number[], declared?: number) {
  const decoder = ImagesBodyDecoder.create(declared) as ImagesBodyDecoder;
  for (const chunk of chunked(body, sizes)) decoder.push(chunk);
  return decoder.finish({ status: 200, requestId: 'req_1' });
}

const whole = (body: Buffer) => parseImagesBodyDecoded(new Uint8Array(body), { status: 200, requestId: 'req_1' });

function check(body: Buffer) {
  const expected = outcome(() => whole(body));
  for (const sizes of [[body.length], [1], [3, 5, 7], [4096], [65_536], [65_537, 13], [100_003]]) {
    if (sizes[0] === 1 && body.length > 300_000) continue;
    for (const declared of [undefined, body.length]) {
      expect(outcome(() => viaStream(body, sizes, declared))).toEqual(expected);
    }
  }
  return expected;
}

describe('ImagesBodyDecoder', () => {
  it('decodes one or several images, any padding, any chunking, keeping the rest of the answer', () => {
    for (const sizes of [[200_000], [200_001], [200_002], [70_000, 90_001, 5]]) {
      const images = sizes.map((size) => png(size));
      const body = Buffer.from(
        JSON.stringify({
          created: 1,
          data: images.map((image, i) => ({
            b64_json: image.toString('base64'),
            revised_prompt: `a "b64_json": \\ ${i}`,
          })),
          usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3 },
          size: '1024x1024',
        }),
      );
      const decoder = ImagesBodyDecoder.create(body.length) as ImagesBodyDecoder;
      for (const chunk of chunked(body, [65_536])) decoder.push(chunk);
      // Read on the stream path: never fell back to collecting the body.
      expect((decoder as unknown as { raw?: unknown }).raw).toBeUndefined();
      const result = check(body) as { data: { bytes: string }[]; usage: unknown };
      expect(result.data.map((image) => image.bytes)).toEqual(images.map((image) => image.toString('hex')));
      expect(result.usage).toEqual({ inputTokens: 1, outputTokens: 2, totalTokens: 3 });
    }
  });

  it('spaces around the colon, unpadded and URL-safe values', () => {
    const image = png(150_000);
    const b64 = image.toString('base64');
    check(Buffer.from(`{"data":[{"b64_json" :  "${b64.replace(/=+$/, '')}"}]}`));
    check(Buffer.from(`{"data":[{"b64_json":"${b64.replace(/\+/g, '-').replace(/\//g, '_')}"}]}`));
  });

  it('odd bodies fall back to the whole-body path: same result or same error', () => {
    const b64 = png(150_000).toString('base64');
    const good = `{"created":1,"data":[{"b64_json":"${b64}"}]}`;
    const bodies = [
      good.slice(0, good.length - 3), // truncated after the value
      good.slice(0, 100_000), // truncated inside the value
      good.replace('"created":1,', '"created":1,,'), // malformed
      good.replace(b64.slice(0, 40), `${b64.slice(0, 20)}\\/${b64.slice(22, 40)}`), // an escape in the value
      good.replace(b64.slice(0, 40), `${b64.slice(0, 20)}\n${b64.slice(20, 40)}`), // whitespace in the value
      good.replace(b64, `${b64.slice(0, 1001)}`), // 4n+1 characters
      `{"created":1,"data":[{"b64_json":""},{"b64_json":"${b64}"}]}`, // an empty value
      `{"data":[{"b64_json":"${b64}"}],"note":{"b64_json":"AAAA"}}`, // counts that do not match
      `{"data":[]${' '.repeat(70_000)}}`, // no image
      `{"data":[{"url":"https://x/y.png","b64_json":null}],"pad":"${'a'.repeat(70_000)}"}`,
      `{"data":[{"b64_json":"${b64.slice(0, 1000)}"}]}`, // small body
    ];
    for (const text of bodies) check(Buffer.from(text));
  });

  it('readImagesAnswer reads streamed and whole bodies alike', async () => {
    const image = png(120_000);
    const body = Buffer.from(JSON.stringify({ data: [{ b64_json: image.toString('base64') }] }));
    const streamed = await readImagesAnswer({
      status: 200,
      headers: { 'content-length': String(body.length) },
      chunks: (async function* () {
        yield* chunked(body, [16_384]);
      })(),
    });
    const plain = await readImagesAnswer({ status: 200, headers: {}, body: new Uint8Array(body) });
    expect(Buffer.from(streamed.data[0]?.bytes as Uint8Array).equals(image)).toBe(true);
    expect(Buffer.from(plain.data[0]?.bytes as Uint8Array).equals(image)).toBe(true);
  });
});
