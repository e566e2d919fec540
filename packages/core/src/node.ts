/**
 * `@brushwork/core/node`: the client with Node's defaults wired in, for callers that run in Node and
 * do not want to choose: a fetch transport (per-attempt timeout, size cap) and a timer sleep. Where
 * timers or global fetch are off limits (n8n's community-node sandbox), import `@brushwork/core` and
 * pass both.
 */
import { createImageClient as createClient } from './client/index.js';
import { createFetchTransport } from './transport/fetch.js';
import { timerSleep } from './transport/sleep.js';
import type { ClientOptions, ImageClient } from './types.js';

export interface NodeClientOptions extends Omit<ClientOptions, 'sleep'> {
  /** Default: a timer-based sleep. */
  sleep?: ClientOptions['sleep'];
}

/** `createImageClient` of `@brushwork/core`, with a fetch transport and a timer sleep unless given. */
export function createImageClient(options: NodeClientOptions): ImageClient {
  return createClient({
    ...options,
    transport: options.transport ?? createFetchTransport(),
    sleep: options.sleep ?? timerSleep,
  });
}

export { createFetchTransport, type FetchTransportOptions } from './transport/fetch.js';
export { timerSleep } from './transport/sleep.js';
