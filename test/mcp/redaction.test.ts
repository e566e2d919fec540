// Issue 14, finding 4, at the MCP level: an upstream error that echoes the API key where the core cuts
// the server's text (400 characters) must not leave any part of the key in the tool result, the log
// line (stderr) or a progress notification. The key follows a letter (no word boundary in front), so
// only redaction before the cut (and of known-secret fragments) catches it.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../fake-upstream/index.ts';
import { KEY, type McpHarness, startMcp } from './harness.ts';

const fake: FakeUpstream = await startFakeUpstream();
afterAll(() => fake.close());

let h: McpHarness | undefined;
beforeEach(() => fake.reset());
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Every 8-character window of the key found in the text. */
function keyFragments(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 8 <= KEY.length; i++) if (text.includes(KEY.slice(i, i + 8))) found.push(KEY.slice(i, i + 8));
  return found;
}

/** An error body whose message holds the key across the 400th character. */
function echoingKey(status: number, offset: number): { kind: 'status'; status: number; body: string; times: number } {
  const message = `${'a'.repeat(offset)}${KEY} was refused`;
  return { kind: 'status', status, body: JSON.stringify({ error: { message, type: 'x', code: 'bad' } }), times: 1 };
}

describe('no fragment of the key in what the MCP server sends or logs', () => {
  it.each([375, 385, 390])('tool result and log line, key at character %i', async (offset) => {
    h = await startMcp({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: fake.openaiBaseUrl });
    fake.inject(echoingKey(400, offset));
    const result = await h.call('generate_image', { prompt: 'a fox' });
    expect(result.isError).toBe(true);
    expect(fake.log.some((entry) => entry.fault === 'status')).toBe(true);
    expect(keyFragments(JSON.stringify(result))).toEqual([]);
    expect(h.logs.length).toBeGreaterThan(0);
    expect(keyFragments(h.logs.join('\n'))).toEqual([]);
  });

  it('progress notification of a retry, key at character 385', async () => {
    h = await startMcp({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: fake.openaiBaseUrl });
    fake.inject(echoingKey(500, 385));
    const messages: string[] = [];
    const result = await h.call(
      'generate_image',
      { prompt: 'a fox' },
      { onprogress: (p) => messages.push(p.message ?? '') },
    );
    expect(result.isError).toBeFalsy();
    expect(messages.some((m) => m.startsWith('Waiting'))).toBe(true);
    expect(keyFragments(messages.join('\n'))).toEqual([]);
  });
});
