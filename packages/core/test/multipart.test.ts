import { describe, expect, it } from 'vitest';
import { encodeMultipart, randomBoundary } from '../src/providers/multipart.js';

describe('encodeMultipart', () => {
  it('encodes fields and files byte for byte', () => {
    const data = new Uint8Array([0, 1, 2, 255, 13, 10, 45, 45]);
    const { body, contentType } = encodeMultipart(
      [
        { name: 'prompt', value: 'a café ☕' },
        { name: 'image[]', filename: 'x.png', contentType: 'image/png', data },
      ],
      'BOUNDARY',
    );
    expect(contentType).toBe('multipart/form-data; boundary=BOUNDARY');
    const expected = Buffer.concat([
      Buffer.from('--BOUNDARY\r\nContent-Disposition: form-data; name="prompt"\r\n\r\n'),
      Buffer.from('a café ☕', 'utf8'),
      Buffer.from(
        '\r\n--BOUNDARY\r\nContent-Disposition: form-data; name="image[]"; filename="x.png"\r\nContent-Type: image/png\r\n\r\n',
      ),
      Buffer.from(data),
      Buffer.from('\r\n--BOUNDARY--\r\n'),
    ]);
    expect(Buffer.from(body).equals(expected)).toBe(true);
  });

  it('parses back with the platform FormData parser (Response.formData)', async () => {
    const data = new Uint8Array(3000).map((_, i) => (i * 7) & 0xff);
    const { body, contentType } = encodeMultipart([
      { name: 'image', filename: 'in.png', contentType: 'image/png', data },
      { name: 'n', value: '2' },
      { name: 'we"ird\r\nname', value: 'v' },
    ]);
    const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
    const file = form.get('image') as File;
    expect(file.name).toBe('in.png');
    expect(file.type).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.from(data))).toBe(true);
    expect(form.get('n')).toBe('2');
    // Quotes and line breaks in names are percent-encoded on the wire (as browsers do) and round-trip.
    expect(Buffer.from(body).toString('latin1')).toContain('name="we%22ird%0D%0Aname"');
    expect([...form.keys()]).toEqual(['image', 'n', 'we"ird\r\nname']);
  });

  it('refuses a content type with control characters (no header injection) and escapes NUL in file names', () => {
    const file = { name: 'image', filename: 'a.png', data: new Uint8Array([1]) };
    expect(() => encodeMultipart([{ ...file, contentType: 'image/png\r\nX-Injected: 1' }], 'b')).toThrow(
      /content type/,
    );
    const text = new TextDecoder().decode(
      encodeMultipart([{ ...file, filename: 'a\u0000b.png', contentType: 'image/png' }], 'b').body,
    );
    expect(text).toContain('filename="a%00b.png"');
  });

  it('makes valid random boundaries and rejects invalid ones', () => {
    const boundary = randomBoundary(() => 0.5);
    expect(boundary).toMatch(/^----BrushworkBoundary8{24}$/);
    expect(randomBoundary()).not.toBe(randomBoundary());
    expect(() => encodeMultipart([], 'has space')).toThrow(/boundary/);
    expect(Buffer.from(encodeMultipart([], 'b').body).toString()).toBe('--b--\r\n');
  });
});
