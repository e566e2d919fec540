/**
 * When to try again, as the official OpenAI SDK decides it. Pure: the caller sleeps and counts.
 *
 * - Only errors classified retryable (connection errors, timeouts, 408, 409, 429 except quota, >= 500, or
 *   whatever `x-should-retry` said) are retried; `cancelled` never is.
 * - A server-advised wait (`retry-after-ms` / `retry-after`) is honoured when 0 < wait <= 60 s.
 * - Otherwise: 0.5 s × 2^retriesDone, capped at 8 s, minus up to 25 % jitter.
 */
import type { ImageError } from './image-error.js';

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

export const INITIAL_RETRY_DELAY_MS = 500;
export const MAX_RETRY_DELAY_MS = 8000;
/** Server-advised waits longer than this are not trusted (the SDK's rule); backoff is used instead. */
export const MAX_RETRY_AFTER_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 2;

/** The SDK's default backoff for the (retriesDone + 1)-th retry. `random` in [0, 1). */
export function backoffDelayMs(retriesDone: number, random: () => number = Math.random): number {
  const base = Math.min(INITIAL_RETRY_DELAY_MS * 2 ** Math.max(0, retriesDone), MAX_RETRY_DELAY_MS);
  const r = Math.min(Math.max(Number(random()) || 0, 0), 1);
  return base * (1 - r * 0.25);
}

/**
 * Whether to retry after `retriesDone` retries (0 after the first attempt) of at most `maxRetries`, and how
 * long to wait first.
 */
export function decideRetry(
  error: ImageError,
  retriesDone: number,
  maxRetries: number,
  random: () => number = Math.random,
): RetryDecision {
  if (error.kind === 'cancelled' || !error.retryable) return { retry: false };
  if (!(retriesDone < maxRetries)) return { retry: false };
  const advised = error.retryAfterMs;
  if (advised !== undefined && Number.isFinite(advised) && advised > 0 && advised <= MAX_RETRY_AFTER_MS) {
    return { retry: true, delayMs: advised };
  }
  return { retry: true, delayMs: backoffDelayMs(retriesDone, random) };
}

/** A short reason for a retry, for progress events and logs: "rate limited (429)". */
export function retryReason(error: ImageError): string {
  const status = error.status !== undefined ? ` (${error.status})` : error.code ? ` (${error.code})` : '';
  switch (error.kind) {
    case 'rate_limit':
      return `rate limited${status}`;
    case 'timeout':
      return `timed out${status}`;
    case 'network':
      return `connection failed${status}`;
    case 'server':
      return `server error${status}`;
    default:
      return `${error.kind.replace(/_/g, ' ')}${status}`;
  }
}
