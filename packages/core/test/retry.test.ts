import { describe, expect, it } from 'vitest';
import { classifyResponse } from '../src/errors/index.js';
import { ImageError } from '../src/errors/image-error.js';
import type { ImageErrorKind } from '../src/errors/image-error.js';
import { backoffDelayMs, decideRetry, retryReason } from '../src/errors/retry.js';

const NOW = Date.parse('2026-09-01T12:00:00Z');
const zero = () => 0;
const almostOne = () => 0.999999;

function error(kind: ImageErrorKind, retryable: boolean, retryAfterMs?: number, status?: number): ImageError {
  return new ImageError({ kind, message: kind, retryable, retryAfterMs, status });
}

describe('decideRetry', () => {
  it('retries only retryable errors', () => {
    expect(decideRetry(error('server', true), 0, 2, zero)).toEqual({ retry: true, delayMs: 500 });
    for (const kind of ['invalid_request', 'authentication', 'content_policy', 'quota', 'model_not_found'] as const) {
      expect(decideRetry(error(kind, false), 0, 2, zero)).toEqual({ retry: false });
    }
  });

  it('never retries cancelled, even if marked retryable', () => {
    expect(decideRetry(error('cancelled', true), 0, 2, zero)).toEqual({ retry: false });
  });

  it('gives up when retriesDone >= maxRetries', () => {
    expect(decideRetry(error('network', true), 1, 2, zero).retry).toBe(true);
    expect(decideRetry(error('network', true), 2, 2, zero)).toEqual({ retry: false });
    expect(decideRetry(error('network', true), 3, 2, zero)).toEqual({ retry: false });
    expect(decideRetry(error('network', true), 0, 0, zero)).toEqual({ retry: false });
  });

  it('backs off exponentially from 0.5 s, capped at 8 s', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6].map((done) => {
      const decision = decideRetry(error('server', true), done, 10, zero);
      return decision.retry ? decision.delayMs : undefined;
    });
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('jitters down by at most 25 %', () => {
    for (const done of [0, 1, 2, 3, 4, 8]) {
      const base = Math.min(500 * 2 ** done, 8000);
      expect(backoffDelayMs(done, zero)).toBe(base);
      expect(backoffDelayMs(done, () => 0.5)).toBe(base * 0.875);
      const low = backoffDelayMs(done, almostOne);
      expect(low).toBeGreaterThan(base * 0.75);
      expect(low).toBeLessThanOrEqual(base);
    }
    // A broken random source cannot push the delay outside the bounds.
    expect(backoffDelayMs(0, () => 7)).toBe(375);
    expect(backoffDelayMs(0, () => -1)).toBe(500);
    expect(backoffDelayMs(0, () => Number.NaN)).toBe(500);
  });

  it('honours a server-advised wait of 0 < ms <= 60 s, without jitter', () => {
    expect(decideRetry(error('rate_limit', true, 1500), 0, 2, almostOne)).toEqual({ retry: true, delayMs: 1500 });
    expect(decideRetry(error('rate_limit', true, 60_000), 1, 2, almostOne)).toEqual({ retry: true, delayMs: 60_000 });
  });

  it('falls back to backoff for a wait of 0 or above 60 s', () => {
    expect(decideRetry(error('rate_limit', true, 0), 0, 2, zero)).toEqual({ retry: true, delayMs: 500 });
    expect(decideRetry(error('rate_limit', true, 60_001), 1, 2, zero)).toEqual({ retry: true, delayMs: 1000 });
    expect(decideRetry(error('rate_limit', true, 3_600_000), 0, 2, zero)).toEqual({ retry: true, delayMs: 500 });
  });

  it('works end to end with classified responses (retry-after forms, x-should-retry)', () => {
    const classified = (status: number, headers: Record<string, string>, body = '') =>
      classifyResponse({ status, headers, body, provider: 'openai', now: () => NOW });
    expect(decideRetry(classified(429, { 'retry-after-ms': '250' }), 0, 2, zero)).toEqual({
      retry: true,
      delayMs: 250,
    });
    expect(decideRetry(classified(429, { 'retry-after': '3' }), 0, 2, zero)).toEqual({ retry: true, delayMs: 3000 });
    expect(decideRetry(classified(503, { 'retry-after': new Date(NOW + 10_000).toUTCString() }), 0, 2, zero)).toEqual({
      retry: true,
      delayMs: 10_000,
    });
    expect(decideRetry(classified(503, { 'x-should-retry': 'false' }), 0, 2, zero)).toEqual({ retry: false });
    expect(decideRetry(classified(400, { 'x-should-retry': 'true' }), 0, 2, zero)).toEqual({
      retry: true,
      delayMs: 500,
    });
    expect(decideRetry(classified(408, {}), 0, 2, zero).retry).toBe(true);
    expect(decideRetry(classified(409, {}), 0, 2, zero).retry).toBe(true);
    expect(decideRetry(classified(500, {}), 0, 2, zero).retry).toBe(true);
    expect(decideRetry(classified(400, {}), 0, 2, zero).retry).toBe(false);
    const quota = JSON.stringify({
      error: { message: 'quota', type: 'insufficient_quota', code: 'insufficient_quota', param: null },
    });
    expect(decideRetry(classified(429, { 'retry-after': '1' }, quota), 0, 2, zero)).toEqual({ retry: false });
  });
});

describe('retryReason', () => {
  it('says briefly why', () => {
    expect(retryReason(error('rate_limit', true, undefined, 429))).toBe('rate limited (429)');
    expect(retryReason(error('server', true, undefined, 502))).toBe('server error (502)');
    expect(retryReason(error('network', true))).toBe('connection failed');
    expect(retryReason(error('bad_response', true))).toBe('bad response');
  });
});
