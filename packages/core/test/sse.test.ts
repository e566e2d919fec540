import { describe, expect, it } from 'vitest';
import { createSseParser, parseSseStream, type SseEvent } from '../src/receive/sse.js';

function parseAll(chunks: (string | Uint8Array)[]): SseEvent[] {
  const parser = createSseParser();
  const events = chunks.flatMap((chunk) => parser.push(chunk));
  return [...events, ...parser.end()];
}

/** Every way of splitting `text` in two must give the same events. */
function everySplit(text: string): SseEvent[][] {
  const bytes = new TextEncoder().encode(text);
  const out: SseEvent[][] = [];
  for (let i = 0; i <= bytes.length; i++) out.push(parseAll([bytes.subarray(0, i), bytes.subarray(i)]));
  return out;
}

describe('SSE parser', () => {
  it('parses events with names, data and ids', () => {
    expect(parseAll(['event: a\ndata: 1\nid: x\n\ndata: 2\n\n'])).toEqual([
      { event: 'a', data: '1', id: 'x' },
      { event: 'message', data: '2', id: 'x' },
    ]);
  });

  it('joins multi-line data with \\n and keeps a value without the single leading space only', () => {
    expect(parseAll(['data: one\ndata:two\ndata:  three\n\n'])).toEqual([
      { event: 'message', data: 'one\ntwo\n three' },
    ]);
  });

  it('handles CRLF, CR and LF line ends, also split across chunks', () => {
    const expected = [
      { event: 'e', data: 'x' },
      { event: 'message', data: 'y' },
    ];
    expect(parseAll(['event: e\r\ndata: x\r\n\r\ndata: y\r\n\r\n'])).toEqual(expected);
    expect(parseAll(['event: e\rdata: x\r\rdata: y\r\r'])).toEqual(expected);
    expect(parseAll(['event: e\r', '\ndata: x\r', '\n\r', '\ndata: y\r\n', '\r\n'])).toEqual(expected);
    for (const events of everySplit('event: e\r\ndata: x\r\n\r\ndata: y\r\n\r\n')) expect(events).toEqual(expected);
  });

  it('ignores comments, unknown fields and empty data-less events', () => {
    expect(parseAll([': keep-alive\n\nfoo: bar\n\nevent: only-name\n\ndata\n\n'])).toEqual([
      { event: 'message', data: '' },
    ]);
  });

  it('decodes UTF-8 split inside a character and strips a leading BOM', () => {
    const bytes = new TextEncoder().encode('\uFEFFdata: café ☕\n\n');
    for (let i = 0; i <= bytes.length; i++) {
      expect(parseAll([bytes.subarray(0, i), bytes.subarray(i)])).toEqual([{ event: 'message', data: 'café ☕' }]);
    }
  });

  it('reads retry and dispatches a final event without a trailing blank line', () => {
    expect(parseAll(['retry: 3000\ndata: last'])).toEqual([{ event: 'message', data: 'last', retry: 3000 }]);
    expect(parseAll(['retry: soon\ndata: z\n\n'])).toEqual([{ event: 'message', data: 'z' }]);
  });

  it('handles a huge data line arriving in many small chunks', () => {
    const payload = 'A'.repeat(200_000);
    const text = `event: image_generation.completed\ndata: {"b64_json":"${payload}"}\n\n`;
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 997) chunks.push(text.slice(i, i + 997));
    const events = parseAll(chunks);
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]?.data ?? '').b64_json).toHaveLength(200_000);
  });

  it('parseSseStream yields events from an async iterable', async () => {
    async function* source() {
      yield new TextEncoder().encode('data: 1\n');
      yield new TextEncoder().encode('\ndata: 2\n\n');
    }
    const events: SseEvent[] = [];
    for await (const event of parseSseStream(source())) events.push(event);
    expect(events.map((e) => e.data)).toEqual(['1', '2']);
  });
});
