import { request } from 'node:http';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeUpstream, type FaultSpec, startFakeUpstream } from './index.ts';
import { bearer, call, KEY } from './test-helpers.ts';

let clock = Date.parse('2026-11-01T12:00:00Z');
const fake: FakeUpstream = await startFakeUpstream({ now: () => clock, seed: 7 });
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  clock = Date.parse('2026-11-01T12:00:00Z');
});

const gen = () => `${fake.openaiBaseUrl}/images/generations`;
const body = { model: 'gpt-image-2', prompt: 'a pear', size: '256x256' };
const generate = (url = gen()) => call(url, { headers: bearer(), body });

/** Raw HTTP exchange that records what arrived before the connection ended. */
function rawPost(
  url: string,
  payload: string,
): Promise<{ status?: number; headers?: Record<string, unknown>; received: number; error?: string }> {
  return new Promise((resolve) => {
    const result: { status?: number; headers?: Record<string, unknown>; received: number; error?: string } = {
      received: 0,
    };
    const req = request(
      url,
      { method: 'POST', headers: { ...bearer(), 'content-type': 'application/json', connection: 'close' } },
      (res) => {
        result.status = res.statusCode;
        result.headers = res.headers;
        res.on('data', (chunk: Buffer) => {
          result.received += chunk.length;
        });
        res.on('end', () => resolve(result));
        res.on('error', (e) => resolve({ ...result, error: e.message }));
        res.on('aborted', () => resolve({ ...result, error: 'aborted' }));
      },
    );
    req.on('error', (e) => resolve({ ...result, error: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.end(payload);
  });
}

describe('queued faults', () => {
  it('rate_limit with Retry-After seconds, then the next request succeeds', async () => {
    fake.inject({ kind: 'rate_limit', retryAfter: 2 });
    const limited = await generate();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.headers.get('retry-after-ms')).toBeNull();
    expect(limited.json.error).toMatchObject({ code: 'rate_limit_exceeded', type: 'requests', param: null });
    expect((await generate()).status).toBe(200);
    expect(fake.log.map((e) => [e.status, e.fault])).toEqual([
      [429, 'rate_limit'],
      [200, undefined],
    ]);
  });

  it('rate_limit with retry-after-ms, with an HTTP date, and with no hint at all', async () => {
    fake.inject([
      { kind: 'rate_limit', retryAfterMs: 150 },
      { kind: 'rate_limit', retryAfter: 'Sun, 01 Nov 2026 12:00:03 GMT' },
      { kind: 'rate_limit' },
    ]);
    const ms = await generate();
    expect(ms.headers.get('retry-after-ms')).toBe('150');
    expect(ms.headers.get('retry-after')).toBeNull();
    const date = await generate();
    expect(date.headers.get('retry-after')).toBe('Sun, 01 Nov 2026 12:00:03 GMT');
    const bare = await generate();
    expect(bare.status).toBe(429);
    expect(bare.headers.get('retry-after')).toBeNull();
    expect(bare.headers.get('retry-after-ms')).toBeNull();
  });

  it('times: applies to the next N matching requests', async () => {
    fake.inject({ kind: 'server_error', status: 503, times: 2 });
    expect(fake.pendingFaults()).toEqual([expect.objectContaining({ kind: 'server_error', remaining: 2 })]);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await generate()).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(fake.pendingFaults()).toEqual([]);
  });

  it('insufficient_quota: 429 that is not a rate limit', async () => {
    fake.inject({ kind: 'insufficient_quota' });
    const r = await generate();
    expect(r.status).toBe(429);
    expect(r.json.error).toMatchObject({ code: 'insufficient_quota', type: 'insufficient_quota' });
  });

  it('billing_hard_limit: 400 billing_hard_limit_reached', async () => {
    fake.inject({ kind: 'billing_hard_limit' });
    const r = await generate();
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('billing_hard_limit_reached');
  });

  it.each([500, 502, 503])('server_error %i: JSON body of type server_error', async (status) => {
    fake.inject({ kind: 'server_error', status });
    const r = await generate();
    expect(r.status).toBe(status);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.json.error).toMatchObject({ type: 'server_error', param: null });
  });

  it('x-should-retry header on any answer', async () => {
    fake.inject([
      { kind: 'server_error', status: 500, shouldRetry: false },
      { kind: 'slow', delayMs: 1, shouldRetry: true },
    ]);
    expect((await generate()).headers.get('x-should-retry')).toBe('false');
    const ok = await generate();
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-should-retry')).toBe('true');
  });

  it('html_502: an HTML page from a proxy', async () => {
    fake.inject({ kind: 'html_502' });
    const r = await generate();
    expect(r.status).toBe(502);
    expect(r.headers.get('content-type')).toContain('text/html');
    expect(r.text).toContain('<h1>502 Bad Gateway</h1>');
    expect(r.json).toBeUndefined();
  });

  it('status: any status, body and headers', async () => {
    fake.inject({ kind: 'status', status: 408, body: '{"error":"timeout"}', headers: { 'x-custom': '1' } });
    const r = await generate();
    expect(r.status).toBe(408);
    expect(r.headers.get('x-custom')).toBe('1');
    expect(r.json).toEqual({ error: 'timeout' });
  });

  it('reset: the connection is reset, nothing is answered, the server keeps serving', async () => {
    fake.inject({ kind: 'reset' });
    const r = await rawPost(gen(), JSON.stringify(body));
    expect(r.status).toBeUndefined();
    expect(r.error).toMatch(/ECONNRESET|socket hang up/);
    await expect(generate()).resolves.toMatchObject({ status: 200 });
    expect(fake.log[0]).toMatchObject({ fault: 'reset', status: undefined });
  });

  it('hang: never answers until the client gives up', async () => {
    fake.inject({ kind: 'hang' });
    await expect(call(gen(), { headers: bearer(), body, signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect(fake.log[0]).toMatchObject({ fault: 'hang', status: undefined });
    // the log shows the client went away (how tests prove a call was aborted upstream)
    await vi.waitFor(() => expect(fake.log[0]?.closedBeforeAnswer).toBe(true));
    expect((await generate()).status).toBe(200);
    expect(fake.log[1]?.closedBeforeAnswer).toBe(false);
  });

  it('truncated: content-length of the whole answer, half of it sent, then the socket is destroyed', async () => {
    fake.inject({ kind: 'truncated' });
    const r = await rawPost(gen(), JSON.stringify(body));
    expect(r.status).toBe(200);
    const declared = Number(r.headers?.['content-length']);
    expect(declared).toBeGreaterThan(0);
    expect(r.received).toBeLessThan(declared);
    expect(r.error).toBeDefined();
    fake.inject({ kind: 'truncated' });
    await expect(generate()).rejects.toThrow();
  });

  it('malformed_json: a complete 200 application/json answer that does not parse', async () => {
    fake.inject({ kind: 'malformed_json' });
    const r = await generate();
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(() => JSON.parse(r.text)).toThrow();
    expect(r.text.startsWith('{')).toBe(true);
  });

  it('expired_url: the next download gets 403 AuthenticationFailed XML', async () => {
    const r = await call(gen(), { headers: bearer(), body: { model: 'dall-e-3', prompt: 'x' } });
    const url = r.json.data[0].url as string;
    fake.inject({ kind: 'expired_url' });
    const first = await fetch(url);
    expect(first.status).toBe(403);
    expect(await first.text()).toContain('<Code>AuthenticationFailed</Code>');
    expect((await fetch(url)).status).toBe(200);
  });

  it('slow: answers normally after the delay', async () => {
    fake.inject({ kind: 'slow', delayMs: 20 });
    const r = await generate();
    expect(r.status).toBe(200);
    expect(fake.log[0]?.fault).toBe('slow');
  });

  it('filters by route and by path', async () => {
    fake.inject({ kind: 'server_error', route: 'openai.models' });
    fake.inject({ kind: 'server_error', status: 503, path: '/deployments/' });
    fake.inject({ kind: 'server_error', status: 502, path: /edits$/ });
    expect((await generate()).status).toBe(200);
    expect((await call(`${fake.openaiBaseUrl}/models`, { headers: bearer() })).status).toBe(500);
    const azure = await call(
      `${fake.azureEndpoint}/openai/deployments/gpt-image-2/images/generations?api-version=2025-04-01-preview`,
      { headers: { 'api-key': KEY }, body: { prompt: 'x' } },
    );
    expect(azure.status).toBe(503);
    expect(azure.json.error.code).toBe('ServiceUnavailable');
    expect(fake.pendingFaults()).toEqual([expect.objectContaining({ status: 502 })]);
  });

  it('refuses a fault it cannot apply', () => {
    expect(() => fake.inject({ kind: 'explode' } as unknown as FaultSpec)).toThrow(/unknown fault kind/);
    expect(() => fake.inject({ kind: 'reset', probability: 2 })).toThrow(/probability/);
    expect(() => fake.inject({ kind: 'reset', route: 'nowhere' as never })).toThrow(/unknown route/);
  });
});

describe('probabilistic faults', () => {
  async function pattern(upstream: FakeUpstream, count: number): Promise<string> {
    let out = '';
    for (let i = 0; i < count; i++) {
      const r = await call(`${upstream.openaiBaseUrl}/images/generations`, { headers: bearer(), body });
      out += r.status === 200 ? '.' : r.status === 429 ? 'R' : 'S';
    }
    return out;
  }

  it('a seeded RNG: the same seed gives the same sequence, reset() replays it', async () => {
    const specs: FaultSpec[] = [
      { kind: 'rate_limit', probability: 0.2, retryAfter: 1 },
      { kind: 'server_error', probability: 0.2 },
    ];
    fake.inject(specs);
    const first = await pattern(fake, 40);
    fake.reset();
    fake.inject(specs);
    const replay = await pattern(fake, 40);
    expect(replay).toBe(first);
    const other = await startFakeUpstream({ seed: 7 });
    try {
      other.inject(specs);
      expect(await pattern(other, 40)).toBe(first);
    } finally {
      await other.close();
    }
    expect(first).toMatch(/R/);
    expect(first).toMatch(/S/);
    expect(first).toMatch(/\./);
  });

  it('probabilities add up: 1.0 in total faults every request; times caps a probabilistic fault', async () => {
    fake.inject([
      { kind: 'rate_limit', probability: 0.5 },
      { kind: 'server_error', probability: 0.5 },
    ]);
    expect(await pattern(fake, 12)).not.toMatch(/\./);
    fake.reset();
    fake.inject({ kind: 'server_error', probability: 1, times: 3 });
    expect(await pattern(fake, 5)).toBe('SSS..');
  });
});

describe('rate-limit mode', () => {
  it('images per minute, 429 with Retry-After computed from the window', async () => {
    fake.setRateLimit({ imagesPerMinute: 3, retryAfter: true });
    const first = await call(gen(), { headers: bearer(), body: { ...body, n: 2 } });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-remaining-images')).toBe('1');
    clock += 20_000;
    expect((await generate()).status).toBe(200);
    const limited = await generate();
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe('rate_limit_exceeded');
    expect(limited.headers.get('retry-after')).toBe('40'); // the first 2 images leave the window 40 s later
    expect(fake.log.at(-1)).toMatchObject({ rateLimited: true, status: 429, images: 0 });
    clock += 39_000;
    expect((await generate()).headers.get('retry-after')).toBe('1');
    clock += 1_001;
    expect((await generate()).status).toBe(200);
  });

  it('without Retry-After when retryAfter is false; retry-after-ms when asked; shorter windows', async () => {
    fake.setRateLimit({ imagesPerMinute: 1, retryAfter: false });
    expect((await generate()).status).toBe(200);
    const bare = await generate();
    expect(bare.status).toBe(429);
    expect(bare.headers.get('retry-after')).toBeNull();
    fake.setRateLimit({ imagesPerMinute: 1, retryAfter: true, retryAfterMs: true, windowMs: 2_000 });
    expect((await generate()).status).toBe(200);
    clock += 500;
    const limited = await generate();
    expect(limited.headers.get('retry-after-ms')).toBe('1500');
    expect(limited.headers.get('retry-after')).toBe('2');
    fake.setRateLimit(undefined);
    expect((await generate()).status).toBe(200);
  });

  it('Azure routes answer the 429 in the Azure shape', async () => {
    fake.setRateLimit({ imagesPerMinute: 1, retryAfter: true });
    const url = `${fake.azureEndpoint}/openai/deployments/gpt-image-2/images/generations?api-version=2025-04-01-preview`;
    expect((await call(url, { headers: { 'api-key': KEY }, body: { prompt: 'x' } })).status).toBe(200);
    const r = await call(url, { headers: { 'api-key': KEY }, body: { prompt: 'x' } });
    expect(r.status).toBe(429);
    expect(r.json.error.code).toBe('429');
    expect(r.json.error.message).toContain('Please retry after 60 seconds');
    expect(r.headers.get('retry-after')).toBe('60');
  });

  it('invalid requests are refused before they count', async () => {
    fake.setRateLimit({ imagesPerMinute: 1, retryAfter: true });
    expect((await call(gen(), { headers: bearer(), body: { ...body, size: '10x10' } })).status).toBe(400);
    expect((await generate()).status).toBe(200);
  });
});

describe('close()', () => {
  it('ends hung connections and connections waiting on latency', async () => {
    const upstream = await startFakeUpstream();
    upstream.inject({ kind: 'hang' });
    const hung = rawPost(`${upstream.openaiBaseUrl}/images/generations`, JSON.stringify(body));
    await vi.waitFor(() => expect(upstream.log).toHaveLength(1));
    upstream.setLatency(60_000);
    const slow = rawPost(`${upstream.openaiBaseUrl}/images/generations`, JSON.stringify(body));
    await vi.waitFor(() => expect(upstream.log).toHaveLength(2));
    await upstream.close();
    const [a, b] = await Promise.all([hung, slow]);
    expect(a.status).toBeUndefined();
    expect(a.error).toBeDefined();
    expect(b.status).toBeUndefined();
    expect(b.error).toBeDefined();
  });
});
