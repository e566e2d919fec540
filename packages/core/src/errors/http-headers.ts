/** What response headers say about an error: retry advice and the request id to quote. Pure. */

/**
 * Header names lower-case, repeated values joined with ", ", non-string values as text, absent ones
 * dropped: the shape `HttpResponse.headers` promises, from whatever an HTTP library hands over.
 */
export function lowerCaseHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.map(String).join(', ') : String(value);
  }
  return out;
}

/**
 * Server-advised wait in ms, as the official SDK reads it: `retry-after-ms`, else `retry-after` in seconds,
 * else `retry-after` as an HTTP date (relative to `now`). Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(headers: Record<string, string>, now: () => number = Date.now): number | undefined {
  const h = lowerCaseHeaders(headers);
  const ms = h['retry-after-ms'];
  if (ms !== undefined && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = h['retry-after'];
  if (after === undefined || after.trim() === '') return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}

/** `x-should-retry: true|false` from the server, which overrides our own judgement. */
export function shouldRetryHeader(headers: Record<string, string>): boolean | undefined {
  const value = lowerCaseHeaders(headers)['x-should-retry']?.trim().toLowerCase();
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

/** The request id to quote to support: OpenAI's x-request-id, Azure's apim-request-id. */
export function readRequestId(headers: Record<string, string>): string | undefined {
  const h = lowerCaseHeaders(headers);
  return h['x-request-id'] || h['apim-request-id'] || h['x-ms-request-id'] || undefined;
}
