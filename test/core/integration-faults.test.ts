// @brushwork/core (built dist) over real HTTP against the fake upstream: every fault the issue names,
// with the got transport and the fetch transport. Retry waits go through a recording sleep (no real
// waiting); the fake's request log proves how many attempts were made and what each one carried.
import type { OpenAIProviderConfig } from '@brushwork/core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, type RequestLogEntry, startFakeUpstream } from '../fake-upstream/index.ts';
import { harness, imageError, isPng, KEY, pngSize, TRANSPORTS } from './helpers.ts';

const fake: FakeUpstream = await startFakeUpstream();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const openai = (): OpenAIProviderConfig => ({ kind: 'openai', apiKey: KEY, baseUrl: fake.openaiBaseUrl });
const attempts = (): RequestLogEntry[] => fake.log.filter((entry) => entry.route === 'openai.generations');
const statuses = () => attempts().map((entry) => entry.status);
const REQUEST = { prompt: 'a red kite over a green hill', model: 'gpt-image-2', size: '1024x1536', quality: 'low' };

/** Every attempt sent the same, complete request with a valid bearer key. */
function expectIdenticalAttempts(count: number): void {
  const sent = attempts();
  expect(sent).toHaveLength(count);
  for (const entry of sent) {
    expect(entry).toMatchObject({ method: 'POST', path: '/v1/images/generations', auth: 'bearer' });
    expect(entry.body).toEqual({ prompt: REQUEST.prompt, model: 'gpt-image-2', size: '1024x1536', quality: 'low' });
  }
}

describe.each(TRANSPORTS)('faults over the $name transport', ({ make }) => {
  describe('429 rate limits', () => {
    it('honours Retry-After in seconds: one wait of exactly that long, then the images', async () => {
      fake.inject({ kind: 'rate_limit', retryAfter: 3 });
      const h = harness(openai(), make());
      const result = await h.client.generate(REQUEST, h.call());
      expect(h.delays).toEqual([3000]);
      expect(statuses()).toEqual([429, 200]);
      expectIdenticalAttempts(2);
      expect(result.images).toHaveLength(1);
      expect(pngSize(result.images[0]!.bytes)).toEqual({ width: 1024, height: 1536 });
      expect(result.errors).toEqual([]);
      expect(h.events.filter((e) => e.type === 'request')).toEqual([
        { type: 'request', call: 0, attempt: 1 },
        { type: 'request', call: 0, attempt: 2 },
      ]);
      expect(h.events.filter((e) => e.type === 'retry')).toEqual([
        { type: 'retry', call: 0, attempt: 2, delayMs: 3000, reason: expect.stringMatching(/rate limit.*wait 3 s/i) },
      ]);
    });

    it('honours retry-after-ms over Retry-After', async () => {
      fake.inject({ kind: 'rate_limit', retryAfterMs: 1500, retryAfter: 9 });
      const h = harness(openai(), make());
      await h.client.generate(REQUEST);
      expect(h.delays).toEqual([1500]);
      expect(statuses()).toEqual([429, 200]);
    });

    it('honours Retry-After as an HTTP date, measured on the injected clock', async () => {
      const now = Date.UTC(2026, 10, 26, 12, 0, 0);
      fake.inject({ kind: 'rate_limit', retryAfter: new Date(now + 7000).toUTCString() });
      const h = harness(openai(), make(), { now: () => now });
      await h.client.generate(REQUEST);
      expect(h.delays).toEqual([7000]);
      expect(statuses()).toEqual([429, 200]);
    });

    it('does not trust a Retry-After above 60 s: falls back to the backoff', async () => {
      fake.inject({ kind: 'rate_limit', retryAfter: 120 });
      const h = harness(openai(), make());
      await h.client.generate(REQUEST);
      expect(h.delays).toEqual([500]);
      expect(statuses()).toEqual([429, 200]);
    });

    it('without Retry-After: exponential backoff (0.5 s, 1 s with no jitter), then the images', async () => {
      fake.inject({ kind: 'rate_limit', times: 2 });
      const h = harness(openai(), make());
      const result = await h.client.generate(REQUEST);
      expect(h.delays).toEqual([500, 1000]);
      expect(statuses()).toEqual([429, 429, 200]);
      expectIdenticalAttempts(3);
      expect(result.images).toHaveLength(1);
    });

    it('applies jitter from the injected random source (up to 25 % off)', async () => {
      fake.inject({ kind: 'rate_limit', times: 2 });
      const h = harness(openai(), make(), { random: () => 0.5 });
      await h.client.generate(REQUEST);
      expect(h.delays).toEqual([500 * 0.875, 1000 * 0.875]);
    });

    it('gives up after maxRetries with a rate_limit error that says how long to wait', async () => {
      fake.inject({ kind: 'rate_limit', retryAfter: 2, times: 3 });
      const h = harness(openai(), make());
      const error = await imageError(h.client.generate(REQUEST));
      expect(error).toMatchObject({ kind: 'rate_limit', status: 429, retryable: true, retryAfterMs: 2000 });
      expect(error.code).toBe('rate_limit_exceeded');
      expect(error.requestId).toMatch(/^req_[0-9a-f]{32}$/);
      expect(error.message).toMatch(/wait 2 s/);
      expect(h.delays).toEqual([2000, 2000]);
      expect(statuses()).toEqual([429, 429, 429]);
    });

    it('insufficient_quota is a 429 that is never retried', async () => {
      fake.inject({ kind: 'insufficient_quota', times: 3 });
      const h = harness(openai(), make());
      const error = await imageError(h.client.generate(REQUEST));
      expect(error).toMatchObject({ kind: 'quota', status: 429, code: 'insufficient_quota', retryable: false });
      expect(h.delays).toEqual([]);
      expect(statuses()).toEqual([429]);
    });
  });

  describe('5xx server errors', () => {
    it.each([500, 502, 503])('%i twice, then success: retried with backoff', async (status) => {
      fake.inject({ kind: 'server_error', status, times: 2 });
      const h = harness(openai(), make());
      const result = await h.client.generate(REQUEST);
      expect(statuses()).toEqual([status, status, 200]);
      expect(h.delays).toEqual([500, 1000]);
      expectIdenticalAttempts(3);
      expect(result.images).toHaveLength(1);
      expect(isPng(result.images[0]!.bytes)).toBe(true);
      expect(result.requestIds).toHaveLength(1);
    });

    it.each([500, 502, 503])(
      '%i on every attempt: a retryable server error after 1 + maxRetries attempts',
      async (status) => {
        fake.inject({ kind: 'server_error', status, times: 5 });
        const h = harness(openai(), make());
        const error = await imageError(h.client.generate(REQUEST));
        expect(error).toMatchObject({ kind: 'server', status, retryable: true });
        expect(error.requestId).toMatch(/^req_/);
        expect(error.message).toMatch(new RegExp(`server error \\(${status}\\)`));
        expect(statuses()).toEqual([status, status, status]);
        expect(h.delays).toEqual([500, 1000]);
      },
    );

    it('maxRetries 0: one attempt only', async () => {
      fake.inject({ kind: 'server_error', status: 503, times: 5 });
      const h = harness(openai(), make(), { maxRetries: 0 });
      const error = await imageError(h.client.generate(REQUEST));
      expect(error).toMatchObject({ kind: 'server', status: 503 });
      expect(statuses()).toEqual([503]);
      expect(h.delays).toEqual([]);
    });

    it('x-should-retry: false stops retries of a 500', async () => {
      fake.inject({ kind: 'server_error', status: 500, shouldRetry: false, times: 3 });
      const h = harness(openai(), make());
      const error = await imageError(h.client.generate(REQUEST));
      expect(error).toMatchObject({ kind: 'server', status: 500, retryable: false });
      expect(statuses()).toEqual([500]);
    });

    it('x-should-retry: true retries a 400 the client would not retry', async () => {
      fake.inject({
        kind: 'status',
        status: 400,
        shouldRetry: true,
        body: JSON.stringify({
          error: { message: 'Try again.', type: 'invalid_request_error', param: null, code: null },
        }),
      });
      const h = harness(openai(), make());
      const result = await h.client.generate(REQUEST);
      expect(statuses()).toEqual([400, 200]);
      expect(result.images).toHaveLength(1);
    });

    it('a 429 then a 500: the advised wait first, the second backoff step next', async () => {
      fake.inject([{ kind: 'rate_limit', retryAfter: 4 }, { kind: 'server_error' }]);
      const h = harness(openai(), make());
      await h.client.generate(REQUEST);
      expect(statuses()).toEqual([429, 500, 200]);
      expect(h.delays).toEqual([4000, 1000]);
    });
  });

  describe('bodies that are not the expected JSON', () => {
    it('an HTML 502 page from a proxy is a retryable server error, then the retry succeeds', async () => {
      fake.inject({ kind: 'html_502' });
      const h = harness(openai(), make());
      const result = await h.client.generate(REQUEST, h.call());
      expect(statuses()).toEqual([502, 200]);
      expect(result.images).toHaveLength(1);
      expect(h.events.find((e) => e.type === 'retry')).toMatchObject({
        reason: expect.stringContaining('502 Bad Gateway'),
      });
    });

    it('an HTML 502 page on every attempt: kind server, status 502, the page title and no markup in the message', async () => {
      fake.inject({ kind: 'html_502', times: 3 });
      const h = harness(openai(), make());
      const error = await imageError(h.client.generate(REQUEST));
      expect(error).toMatchObject({ kind: 'server', status: 502, retryable: true });
      expect(error.message).toContain('502 Bad Gateway');
      expect(error.message).toMatch(/HTML/);
      expect(error.message).not.toMatch(/<|>/);
      expect(statuses()).toEqual([502, 502, 502]);
    });

    it('an HTML page with status 200 is bad_response, not retried', async () => {
      fake.inject({
        kind: 'status',
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: '<!DOCTYPE html><html><head><title>Captive portal</title></head><body><p>Log in</p></body></html>',
      });
      const h = harness(openai(), make());
      const error = await imageError(h.client.generate(REQUEST));
      expect(error).toMatchObject({ kind: 'bad_response', status: 200, retryable: false });
      expect(error.message).not.toMatch(/<|>/);
      expect(statuses()).toEqual([200]);
    });

    it('malformed JSON with status 200 is bad_response, not retried', async () => {
      fake.inject({ kind: 'malformed_json' });
      const h = harness(openai(), make());
      const error = await imageError(h.client.generate(REQUEST));
      expect(error).toMatchObject({ kind: 'bad_response', status: 200, retryable: false });
      expect(error.message).toMatch(/malformed or truncated JSON/);
      expect(error.requestId).toMatch(/^req_/);
      expect(statuses()).toEqual([200]);
      expect(h.delays).toEqual([]);
    });

    it('a JSON body cut short (complete as HTTP, content-length matching) is bad_response', async () => {
      fake.inject({
        kind: 'status',
        status: 200,
        body: '{"created":1764158400,"data":[{"b64_json":"iVBORw0KGgoAAAANSUhEUgAA',
      });
      const h = harness(openai(), make());
      const error = await imageError(h.client.generate(REQUEST));
      expect(error).toMatchObject({ kind: 'bad_response', status: 200, retryable: false });
      expect(statuses()).toEqual([200]);
    });

    it('an empty 200 body is bad_response', async () => {
      fake.inject({ kind: 'status', status: 200, body: '' });
      const h = harness(openai(), make());
      const error = await imageError(h.client.generate(REQUEST));
      expect(error).toMatchObject({ kind: 'bad_response', status: 200, retryable: false });
    });

    it('200 JSON without a data array is bad_response', async () => {
      fake.inject({ kind: 'status', status: 200, body: '{"created":1764158400,"object":"list"}' });
      const h = harness(openai(), make());
      const error = await imageError(h.client.generate(REQUEST));
      expect(error).toMatchObject({ kind: 'bad_response', retryable: false });
    });

    // The fake's `truncated` fault breaks the connection mid-body (content-length promised, half sent, socket
    // destroyed): the transport sees a failed read, which the core classifies as a retryable network error
    // (as the official Python SDK does). A body that arrives whole but cut (above) is bad_response.
    it('a body cut off by a dropped connection is a network error and retried: the retry gets the images', async () => {
      fake.inject({ kind: 'truncated' });
      const h = harness(openai(), make());
      const result = await h.client.generate(REQUEST, h.call());
      expect(attempts().map((e) => e.fault)).toEqual(['truncated', undefined]);
      expect(result.images).toHaveLength(1);
      expect(h.events.find((e) => e.type === 'retry')).toMatchObject({ delayMs: 500 });
    });

    it('a body cut off on every attempt: a classified network error, never a crash', async () => {
      fake.inject({ kind: 'truncated', times: 3 });
      const h = harness(openai(), make());
      const error = await imageError(h.client.generate(REQUEST));
      expect(error).toMatchObject({ kind: 'network', retryable: true });
      expect(error.status).toBeUndefined();
      expect(attempts().map((e) => e.fault)).toEqual(['truncated', 'truncated', 'truncated']);
    });
  });

  describe('connection faults', () => {
    it('a connection reset is retried: the second attempt gets the images', async () => {
      fake.inject({ kind: 'reset' });
      const h = harness(openai(), make());
      const result = await h.client.generate(REQUEST);
      expect(attempts().map((e) => [e.fault, e.status])).toEqual([
        ['reset', undefined],
        [undefined, 200],
      ]);
      expect(h.delays).toEqual([500]);
      expect(result.images).toHaveLength(1);
    });

    it('a reset on every attempt: kind network, code ECONNRESET, retryable', async () => {
      fake.inject({ kind: 'reset', times: 3 });
      const h = harness(openai(), make());
      const error = await imageError(h.client.generate(REQUEST));
      expect(error).toMatchObject({ kind: 'network', code: 'ECONNRESET', retryable: true });
      expect(error.message).toMatch(/ECONNRESET/);
      expect(attempts()).toHaveLength(3);
    });

    it('nothing listening: kind network (ECONNREFUSED), with a hint to check the base URL', async () => {
      const closed = await startFakeUpstream({ control: false });
      const baseUrl = closed.openaiBaseUrl;
      await closed.close();
      const h = harness({ kind: 'openai', apiKey: KEY, baseUrl }, make(), { maxRetries: 1 });
      const error = await imageError(h.client.generate(REQUEST));
      expect(error).toMatchObject({ kind: 'network', code: 'ECONNREFUSED', retryable: true });
      expect(error.message).toMatch(/base URL/);
      expect(h.delays).toEqual([500]);
    });

    it('a hang is cut by the per-attempt timeout and retried: the second attempt gets the images', async () => {
      fake.inject({ kind: 'hang' });
      const h = harness(openai(), make(), { timeoutMs: 600, maxRetries: 1 });
      const result = await h.client.generate(REQUEST, h.call());
      expect(attempts().map((e) => [e.fault, e.status])).toEqual([
        ['hang', undefined],
        [undefined, 200],
      ]);
      expect(result.images).toHaveLength(1);
      expect(h.events.find((e) => e.type === 'retry')).toMatchObject({ attempt: 2, delayMs: 500 });
    });

    it('a hang on every attempt: kind timeout, retryable, after 1 + maxRetries attempts', async () => {
      fake.inject({ kind: 'hang', times: 2 });
      const h = harness(openai(), make(), { timeoutMs: 200, maxRetries: 1 });
      const error = await imageError(h.client.generate(REQUEST));
      expect(error).toMatchObject({ kind: 'timeout', retryable: true });
      expect(error.message).toMatch(/timed out/);
      expect(attempts().map((e) => e.fault)).toEqual(['hang', 'hang']);
    });

    it('slowness within the per-attempt timeout is just waited for: one attempt', async () => {
      fake.inject({ kind: 'slow', delayMs: 300 });
      const h = harness(openai(), make(), { timeoutMs: 10_000 });
      const result = await h.client.generate(REQUEST);
      expect(attempts().map((e) => [e.fault, e.status])).toEqual([['slow', 200]]);
      expect(h.delays).toEqual([]);
      expect(result.images).toHaveLength(1);
    });

    it('slowness beyond the per-attempt timeout: timed out, retried, then the images', async () => {
      fake.inject({ kind: 'slow', delayMs: 3000 });
      const h = harness(openai(), make(), { timeoutMs: 600, maxRetries: 1 });
      const result = await h.client.generate(REQUEST, h.call());
      expect(attempts().map((e) => e.fault)).toEqual(['slow', undefined]);
      expect(h.events.find((e) => e.type === 'retry')).toMatchObject({ reason: expect.stringMatching(/timed out/) });
      expect(result.images).toHaveLength(1);
    });
  });
});
