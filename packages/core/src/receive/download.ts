/**
 * Downloading an image URL from a response, at once (OpenAI URLs expire after 60 minutes), with a
 * size cap. No credentials are sent: image URLs are pre-signed and may live on another host. Messages
 * never include the URL (its query string is a signature).
 */
import { decodeBase64 } from './base64.js';
import { readWholeBody } from './body.js';
import { ImageError, RESPONSE_TOO_LARGE, TransportError } from '../errors/image-error.js';
import type { Transport } from '../types.js';

export interface DownloadOptions {
  transport: Transport;
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
  /** 1-based image number used in messages. */
  imageNumber?: number;
  maxRedirects?: number;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
}

function tooLarge(maxBytes: number, label: string): ImageError {
  return new ImageError({
    kind: 'bad_response',
    message: `${label} is larger than the ${maxBytes}-byte download limit (maxDownloadBytes).`,
    retryable: false,
  });
}

/** One download attempt (redirects followed). Throws ImageError, or the transport's failure for the caller to classify. */
export async function downloadImage(url: string, options: DownloadOptions): Promise<Uint8Array> {
  const label = options.imageNumber !== undefined ? `Image ${options.imageNumber}` : 'The image';
  const dataUrl = /^data:[^,]*;base64,/i.exec(url);
  if (dataUrl) {
    const bytes = decodeBase64(url.slice(dataUrl[0].length));
    if (bytes.length > options.maxBytes) throw tooLarge(options.maxBytes, label);
    return bytes;
  }
  let current = url;
  const maxRedirects = options.maxRedirects ?? 5;
  for (let hop = 0; ; hop++) {
    if (!/^https?:\/\//i.test(current)) {
      throw new ImageError({
        kind: 'bad_response',
        message: `${label}'s URL is not an http(s) URL; it cannot be downloaded.`,
        retryable: false,
      });
    }
    const response = await options
      .transport({
        method: 'GET',
        url: current,
        headers: { accept: 'image/*' },
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        maxResponseBytes: options.maxBytes,
      })
      .catch((error: unknown) => {
        // The transport stops at the cap; say which limit it was, in download terms.
        if (error instanceof TransportError && error.code === RESPONSE_TOO_LARGE)
          throw tooLarge(options.maxBytes, label);
        throw error;
      });
    const { status } = response;
    if (status >= 300 && status < 400 && response.headers.location && hop < maxRedirects) {
      current = new URL(response.headers.location, current).toString();
      continue;
    }
    if (status >= 200 && status < 300) {
      const bytes = await readWholeBody(response);
      if (bytes.length > options.maxBytes) throw tooLarge(options.maxBytes, label);
      return bytes;
    }
    const host = hostOf(current);
    if (status === 408 || status === 429 || status >= 500) {
      throw new ImageError({
        kind: status === 429 ? 'rate_limit' : status === 408 ? 'timeout' : 'server',
        message: `Downloading ${label.toLowerCase()} from ${host} failed with HTTP ${status}; it will be retried.`,
        status,
        retryable: true,
      });
    }
    const expired = status === 403 || status === 404 || status === 410;
    throw new ImageError({
      kind: 'bad_response',
      message: expired
        ? `Downloading ${label.toLowerCase()} from ${host} failed with HTTP ${status}: its URL has probably expired (OpenAI image URLs last 60 minutes, Azure's 24 hours). Generate the image again.`
        : `Downloading ${label.toLowerCase()} from ${host} failed with HTTP ${status}.`,
      ...(expired ? { code: 'url_expired' } : {}),
      status,
      retryable: false,
    });
  }
}
