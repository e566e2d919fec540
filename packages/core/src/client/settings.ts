/** The client's options with every default applied, and the defaults themselves. */
import { DEFAULT_MAX_RETRIES } from '../errors/retry.js';
import type { Provider } from '../providers/index.js';
import type { ClientOptions, Sleep, Transport } from '../types.js';

export const DEFAULT_TIMEOUT_MS = 600_000;
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

export interface ClientSettings {
  provider: Provider;
  /** Undefined only when the caller passed none and the provider brings none (reported on first use). */
  transport?: Transport;
  sleep: Sleep;
  maxRetries: number;
  timeoutMs: number;
  concurrency: number;
  maxDownloadBytes: number;
  maxResponseBytes: number;
  random: () => number;
  now: () => number;
  /** Credentials to blank out of any text taken from a response or failure. */
  secrets: readonly string[];
}

export function clientSettings(options: ClientOptions, provider: Provider): ClientSettings {
  const configuredKey = (options.provider as { apiKey?: unknown }).apiKey;
  return {
    provider,
    // A provider that answers in process (the sandbox) always does, whatever transport was passed: zero network.
    transport: provider.transport ?? options.transport,
    sleep: options.sleep,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    maxDownloadBytes: options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
    secrets: typeof configuredKey === 'string' && configuredKey !== '' ? [configuredKey] : [],
  };
}
