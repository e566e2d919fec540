/** The error types of the project: ImageError (what consumers see) and TransportError (what transports throw). */
import type { Problem } from '../types.js';

export type ImageErrorKind =
  | 'invalid_request'
  | 'authentication'
  | 'permission'
  | 'model_not_found'
  | 'content_policy'
  | 'rate_limit'
  | 'quota'
  | 'timeout'
  | 'network'
  | 'server'
  | 'bad_response'
  | 'cancelled';

export interface ImageErrorDetails {
  kind: ImageErrorKind;
  message: string;
  status?: number;
  code?: string;
  param?: string;
  type?: string;
  requestId?: string;
  retryable?: boolean;
  /** Server-advised wait before retrying, in ms. */
  retryAfterMs?: number;
  /** Validation problems (kind invalid_request before any network call). */
  problems?: Problem[];
  /** Azure / moderation details of a safety refusal (filter categories that fired). */
  contentFilter?: Record<string, unknown>;
  /** Which fan-out call failed (0-based), when the request was split. */
  call?: number;
  /** Image indexes this error cost (fan-out), so callers can report per image. */
  indexes?: number[];
  cause?: unknown;
}

/** The optional fields of an ImageError, in the order JSON shows them. */
const DETAIL_FIELDS = [
  'status',
  'code',
  'param',
  'type',
  'requestId',
  'retryAfterMs',
  'problems',
  'contentFilter',
  'call',
  'indexes',
] as const;

/**
 * The one error type Brushwork surfaces. Its message is written for the person (or agent) who has to
 * act on it, and never contains a credential: serialising it (JSON, util.inspect, logs) is safe.
 */
export class ImageError extends Error {
  override readonly name = 'ImageError';
  readonly kind: ImageErrorKind;
  readonly status?: number;
  readonly code?: string;
  readonly param?: string;
  readonly type?: string;
  readonly requestId?: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly problems?: Problem[];
  readonly contentFilter?: Record<string, unknown>;
  readonly call?: number;
  readonly indexes?: number[];

  constructor(details: ImageErrorDetails) {
    super(details.message);
    this.kind = details.kind;
    this.status = details.status;
    this.code = details.code;
    this.param = details.param;
    this.type = details.type;
    this.requestId = details.requestId;
    this.retryable = details.retryable ?? false;
    this.retryAfterMs = details.retryAfterMs;
    this.problems = details.problems;
    this.contentFilter = details.contentFilter;
    this.call = details.call;
    this.indexes = details.indexes;
    // `cause` is kept off the enumerable surface: it may be a transport error holding request options.
    if (details.cause !== undefined) Object.defineProperty(this, 'cause', { value: details.cause, enumerable: false });
  }

  /**
   * A copy with some fields changed (the message, the fan-out call and indexes, …); the copy's cause
   * is this error's cause, or this error when it had none.
   */
  with(changes: Partial<Omit<ImageErrorDetails, 'kind'>>): ImageError {
    return new ImageError({ ...this.details(), cause: this.cause ?? this, ...changes });
  }

  private details(): ImageErrorDetails {
    const details: ImageErrorDetails = { kind: this.kind, message: this.message, retryable: this.retryable };
    for (const key of DETAIL_FIELDS) if (this[key] !== undefined) Object.assign(details, { [key]: this[key] });
    return details;
  }

  /** util.inspect / console.log show the same safe fields as JSON (no cause, no stack of a transport). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `ImageError [${this.kind}]: ${this.message} ${JSON.stringify(this.toJSON())}`;
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, kind: this.kind, message: this.message };
    for (const key of DETAIL_FIELDS) if (this[key] !== undefined) out[key] = this[key];
    out.retryable = this.retryable;
    return out;
  }
}

/** The TransportError code for a body over the request's `maxResponseBytes`. */
export const RESPONSE_TOO_LARGE = 'response_too_large';

/** What a Transport throws when no HTTP response arrived (or the body could not be read whole). */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly kind: 'timeout' | 'network' | 'cancelled' | 'bad_response',
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** What every transport throws when a body goes over the request's `maxResponseBytes`. */
export function responseTooLarge(limit: number): TransportError {
  return new TransportError('bad_response', `The response is larger than the ${limit}-byte limit`, RESPONSE_TOO_LARGE);
}

/** The words for a request cancelled by its caller (the signal), wherever it is noticed. */
export const CANCELLED_MESSAGE = 'The request was cancelled.';

/** The ImageError for a request cancelled by its caller. Never retried. */
export function cancelledError(cause?: unknown): ImageError {
  return new ImageError({ kind: 'cancelled', message: CANCELLED_MESSAGE, retryable: false, cause });
}

/** What a transport throws when the signal aborts the request. */
export function cancelledTransportError(code?: string): TransportError {
  return new TransportError('cancelled', CANCELLED_MESSAGE, code);
}
