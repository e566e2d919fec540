// The lean receive path: bodies collected into one allocation, base64 decoded straight from the bytes
// (optionally in place), with the same results as the plain JSON.parse + Buffer.from path.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeBase64Bytes } from '../src/receive/base64.js';
import { BodyCollector, declaredBodyLength, readWholeBody } from '../src/receive/body.js';
import { isOwnBody, releaseBytes } from '../src/receive/memory.js';
import { parseImagesBody, parseImagesBodyDecoded } from '../src/receive/parse-images.js';

const ascii = (text: string) => Buffer.from(text, 'latin1');

describe('decodeBase64Bytes', () => {
  it('matches decodeBase64 for every padding and for values longer than one step', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 100, 36_863, 36_864, 36_865, 200_001]) {
      const data = randomBytes(length);
      const text = data.toString('base64');
      const decoded = decodeBase64Bytes(ascii(`xx"${text}"yy`), 3, 3 + text.length);
      expect(Buffer.from(decoded).equals(data)).toBe(true);
      const inPlace = ascii(`xx"${text}"yy`);
      const over = decodeBase64Bytes(inPlace, 3, 3 + text.length, true);
      expect(Buffer.from(over).equals(data)).toBe(true);
      if (length > 0) expect(over.buffer).toBe(inPlace.buffer);
      const unpadded = text.replace(/=+$/, '');
      expect(Buffer.from(decodeBase64Bytes(ascii(unpadded))).equals(data)).toBe(true);
      const urlSafe = text.replace(/\+/g, '-').replace(/\//g, '_');
      expect(Buffer.from(decodeBase64Bytes(ascii(urlSafe))).equals(data)).toBe(true);
    }
  });

  it('decodes odd text (stray characters, whitespace) exactly as decodeBase64 does', () => {
    const text = randomBytes(120_000).toString('base64');
    for (const odd of [
      `${text.slice(0, 70_000)}\n${text.slice(70_000)}`,
      `${text.slice(0, 10)}*${text.slice(10)}`,
      `${text}A`,
      `${text.slice(0, 100_000)} ${text.slice(100_000)}`,
    ]) {
      const expected = Buffer.from(decodeBase64(odd));
      expect(Buffer.from(decodeBase64Bytes(ascii(odd))).equals(expected)).toBe(true);
      const body = ascii(`{"b64_json":"${odd}"}`);
      expect(Buffer.from(decodeBase64Bytes(body, 13, 13 + odd.length)).equals(expected)).toBe(true);
    }
  });
});

describe('parseImagesBodyDecoded', () => {
  const images = [randomBytes(150_000), randomBytes(90_001), randomBytes(70_002)];
  const value = {
    created: 9,
    data: images.map((b, i) => ({ b64_json: b.toString('base64'), revised_prompt: `p ${i}` })),
    usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3 },
  };

  for (const space of [undefined, 2]) {
    it(`returns decoded bytes equal to the plain path's (indent ${space})`, () => {
      const body = ascii(JSON.stringify(value, null, space));
      const copy = Buffer.from(body);
      const plain = parseImagesBody(copy);
      const parsed = parseImagesBodyDecoded(body);
      expect(parsed.data).toHaveLength(3);
      parsed.data.forEach((raw, i) => {
        expect(raw.b64Json).toBeUndefined();
        expect(Buffer.from(raw.bytes as Uint8Array).equals(images[i] as Buffer)).toBe(true);
        expect(raw.revisedPrompt).toBe(plain.data[i]?.revisedPrompt);
      });
      expect(parsed.created).toBe(9);
      expect(parsed.usage).toEqual(plain.usage);
      expect(body.equals(copy)).toBe(true);
      // Each image is an array of its own that the holder may free at once.
      const first = parsed.data[0]?.bytes as Uint8Array;
      expect(releaseBytes(first)).toBe(true);
      expect(first).toHaveLength(0);
    });
  }

  it('decodes a lone image over its own body (one buffer, no second copy), the same bytes, freeable', () => {
    const image = randomBytes(200_003);
    const json = JSON.stringify({ created: 5, data: [{ b64_json: image.toString('base64'), revised_prompt: 'r' }] });
    const collector = new BodyCollector(json.length);
    collector.push(ascii(json));
    const body = collector.finish();
    expect(isOwnBody(body)).toBe(true);
    const parsed = parseImagesBodyDecoded(body);
    const bytes = parsed.data[0]?.bytes as Uint8Array;
    expect(Buffer.from(bytes).equals(image)).toBe(true);
    expect(parsed.data[0]?.revisedPrompt).toBe('r');
    expect(bytes.buffer).toBe(body.buffer);
    expect(isOwnBody(body)).toBe(false);
    expect(releaseBytes(body)).toBe(false);
    expect(releaseBytes(bytes)).toBe(true);
    expect(bytes).toHaveLength(0);
  });

  it('never decodes over a body it does not own', () => {
    const image = randomBytes(120_000);
    const body = ascii(JSON.stringify({ data: [{ b64_json: image.toString('base64') }] }));
    const copy = Buffer.from(body);
    const bytes = parseImagesBodyDecoded(body).data[0]?.bytes as Uint8Array;
    expect(Buffer.from(bytes).equals(image)).toBe(true);
    expect(bytes.buffer).not.toBe(body.buffer);
    expect(Buffer.from(body).equals(copy)).toBe(true);
  });

  it('falls back to the plain parse (strings) for small or escaped bodies', () => {
    const small = parseImagesBodyDecoded(ascii(JSON.stringify({ data: [{ b64_json: 'AAAA' }] })));
    expect(small.data[0]).toEqual({ b64Json: 'AAAA' });
    const escaped = JSON.stringify(value).replace(/\//g, '\\/');
    const parsed = parseImagesBodyDecoded(ascii(escaped));
    expect(parsed.data[0]?.b64Json).toBe(images[0]?.toString('base64'));
  });
});

describe('BodyCollector', () => {
  it('fills one allocation when the length is declared, and marks it as its own', () => {
    const collector = new BodyCollector(10);
    collector.push(ascii('hello'));
    collector.push(ascii('world'));
    const body = collector.finish();
    expect(Buffer.from(body).toString()).toBe('helloworld');
    expect(isOwnBody(body)).toBe(true);
  });

  it('copes with a declared length that is wrong either way', () => {
    const short = new BodyCollector(4);
    short.push(ascii('abc'));
    short.push(ascii('def'));
    expect(Buffer.from(short.finish()).toString()).toBe('abcdef');
    const long = new BodyCollector(100);
    long.push(ascii('abc'));
    expect(Buffer.from(long.finish()).toString()).toBe('abc');
  });

  it('releaseBytes frees only what the core allocated alone', () => {
    // Large enough to be an allocation of its own (small ones share Node's pool: never freed).
    const collector = new BodyCollector(100_000);
    collector.push(Buffer.alloc(100_000, 1));
    const body = collector.finish();
    expect(releaseBytes(body)).toBe(true);
    expect(body).toHaveLength(0);
    expect(releaseBytes(body)).toBe(false);
    const foreign = ascii('not ours');
    expect(releaseBytes(foreign)).toBe(false);
    expect(Buffer.from(foreign).toString()).toBe('not ours');
    const pooled = new BodyCollector(4);
    pooled.push(ascii('abcd'));
    expect(releaseBytes(pooled.finish())).toBe(false);
    const short = new BodyCollector(100_000);
    short.push(ascii('abc'));
    const view = short.finish();
    expect(releaseBytes(view)).toBe(false);
    expect(view).toHaveLength(3);
  });

  it('never claims a body it did not allocate', () => {
    const single = new BodyCollector();
    const chunk = ascii('only');
    single.push(chunk);
    expect(single.finish()).toBe(chunk);
    expect(isOwnBody(chunk)).toBe(false);
    expect(new BodyCollector().finish()).toHaveLength(0);
  });

  it('readWholeBody joins streamed chunks', async () => {
    async function* chunks() {
      yield ascii('ab');
      yield ascii('cd');
    }
    const body = await readWholeBody({ status: 200, headers: { 'content-length': '4' }, chunks: chunks() });
    expect(Buffer.from(body).toString()).toBe('abcd');
  });
});

describe('declaredBodyLength', () => {
  it('reads content-length only when the bytes on the wire are the body', () => {
    expect(declaredBodyLength({ 'content-length': '123' })).toBe(123);
    expect(declaredBodyLength({ 'content-length': '123', 'content-encoding': 'identity' })).toBe(123);
    expect(declaredBodyLength({ 'content-length': '123', 'content-encoding': 'gzip' })).toBeUndefined();
    expect(declaredBodyLength({ 'content-length': '12x' })).toBeUndefined();
    expect(declaredBodyLength({})).toBeUndefined();
  });
});
