/**
 * providers/: what each host wants on the wire. A provider is data plus pure request builders bound
 * to one configuration (URL, headers, body encoding, configuration problems); the client never knows
 * a URL or an auth scheme. May import: types, models/, receive/base64 helpers via encode.ts, sandbox/
 * (the sandbox provider's in-process transport). Never imports client/ or errors/ classification.
 */
import type { ProviderConfig } from '../types.js';
import { azureProvider } from './azure.js';
import { openaiProvider, sandboxProvider } from './openai-style.js';
import type { Provider } from './provider.js';

export type { Provider } from './provider.js';
export type { BuildContext, WireRequest } from './encode.js';
export { OPENAI_BASE_URL } from './openai-style.js';

/** The provider for a configuration, bound to it. */
export function providerFor(config: ProviderConfig): Provider {
  switch (config.kind) {
    case 'openai':
      return openaiProvider(config);
    case 'azure':
      return azureProvider(config);
    case 'sandbox':
      return sandboxProvider();
    default: {
      const kind = (config as { kind?: unknown }).kind;
      throw new TypeError(`Unknown provider kind ${JSON.stringify(kind)}: use openai, azure or sandbox.`);
    }
  }
}
