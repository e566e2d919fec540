/**
 * The ImageError for something thrown while sending (no HTTP response): the core's TransportError,
 * AbortError / TimeoutError (DOMException or not), Node and undici socket errors, anything else.
 * Never throws, never lets a credential into a message. Pure.
 */
import { oneLine, shorten } from '../util/text.js';
import { type ErrorLink, errorChain } from './cause-chain.js';
import { NETWORK_CODES, TIMEOUT_CODES } from './codes.js';
import { cancelledError, ImageError, TransportError } from './image-error.js';
import { redactSecrets } from './redact.js';

/** Failure text is redacted, then cut to this many characters. */
const FAILURE_TEXT_CHARS = 300;

/**
 * The ImageError for something thrown while sending (no HTTP response): TransportError, AbortError /
 * TimeoutError (DOMException or not), Node and undici socket errors, anything else. Never throws.
 */
export function classifyFailure(error: unknown, secrets?: readonly string[]): ImageError {
  if (error instanceof ImageError) return error;
  // Redact first, cut after: a cut can never leave part of a secret behind.
  const redact = (text: string) => shorten(oneLine(redactSecrets(text, secrets)), FAILURE_TEXT_CHARS);
  const links = errorChain(error);
  const first: Partial<ErrorLink> = links[0] ?? {};
  const detail = first.message ? `: ${redact(first.message)}` : '';
  const codes = links.map((l) => l.code).filter((c): c is string => c !== undefined);
  const names = links.map((l) => l.name);
  // util.inspect prints an error's cause: keep it only when no message in the chain holds a credential.
  const leaky = links.some((l) => l.message !== undefined && redactSecrets(l.message, secrets) !== l.message);
  const cause = leaky ? undefined : error;

  if (error instanceof TransportError) {
    const code = error.code;
    switch (error.kind) {
      case 'cancelled':
        return cancelledError(cause);
      case 'timeout':
        return timeout(cause, code, redact(error.message));
      case 'network':
        return new ImageError({
          kind: 'network',
          message: `The connection failed${code ? ` (${code})` : ''}: ${redact(error.message)}${hint(code)}`,
          code,
          retryable: true,
          cause,
        });
      case 'bad_response':
        return new ImageError({
          kind: 'bad_response',
          message: `The answer could not be read${code ? ` (${code})` : ''}: ${redact(error.message)}`,
          code,
          retryable: code !== undefined && NETWORK_CODES.has(code),
          cause,
        });
    }
  }
  if (names[0] === 'TimeoutError' || (names[0] === 'AbortError' && names.slice(1).includes('TimeoutError'))) {
    return timeout(cause, codes[0], first.message ? redact(first.message) : undefined);
  }
  if (names[0] === 'AbortError' || names[0] === 'CancelError') return cancelledError(cause);
  const timeoutCode = codes.find((c) => TIMEOUT_CODES.has(c));
  if (timeoutCode) return timeout(cause, timeoutCode, first.message ? redact(first.message) : undefined);
  const networkCode = codes.find((c) => NETWORK_CODES.has(c));
  if (networkCode) {
    return new ImageError({
      kind: 'network',
      message: `The connection failed (${networkCode})${detail}${hint(networkCode)}`,
      code: networkCode,
      retryable: true,
      cause,
    });
  }
  // fetch() rejects with TypeError('fetch failed') for any connection-level failure.
  const fetchFailed = names[0] === 'TypeError' && /fetch failed|network/i.test(first.message ?? '');
  return new ImageError({
    kind: 'network',
    message: `The request failed${detail || ` (${typeof error})`}`,
    code: codes[0],
    retryable: fetchFailed,
    cause,
  });
}

function timeout(cause: unknown, code: string | undefined, detail: string | undefined): ImageError {
  return new ImageError({
    kind: 'timeout',
    message:
      `The request timed out${detail ? ` (${detail})` : ''}. Image generation can take minutes for high quality ` +
      'or large sizes: allow at least 120 s per attempt.',
    code,
    retryable: true,
    cause,
  });
}

function hint(code: string | undefined): string {
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return '. Check the base URL or endpoint host name.';
  if (code === 'ECONNREFUSED') return '. Nothing is listening there: check the base URL or endpoint.';
  return '';
}
