import type { ProviderConfig } from '../types.js';
import { azureProvider } from './azure.js';
import { azureLegacyProvider } from './azure-legacy.js';
import { compatibleProvider } from './compatible.js';
import { openaiProvider } from './openai.js';
import type { Provider } from './provider.js';
import { sandboxProvider } from './sandbox.js';

export type { Provider } from './provider.js';
export { type BuildContext, editParts, generateBody, isGptImage, type WireRequest } from './encode.js';
export {
  buildOpenAIEdit,
  buildOpenAIGenerate,
  buildOpenAIListModels,
  OPENAI_BASE_URL,
  openaiProvider,
} from './openai.js';
export {
  buildCompatibleEdit,
  buildCompatibleGenerate,
  buildCompatibleListModels,
  compatibleProvider,
} from './compatible.js';
export { azureEndpoint, azureImagesUrl, azureProvider, buildAzureEdit, buildAzureGenerate } from './azure.js';
export {
  azureLegacyProvider,
  buildAzureLegacyPoll,
  buildAzureLegacySubmit,
  DEFAULT_MAX_POLL_MS,
  type OperationState,
  readOperation,
} from './azure-legacy.js';
export { buildSandboxEdit, buildSandboxGenerate, sandboxProvider } from './sandbox.js';

/** The provider for a configuration, bound to it. */
export function providerFor(config: ProviderConfig): Provider {
  switch (config.kind) {
    case 'openai':
      return openaiProvider(config);
    case 'compatible':
      return compatibleProvider(config);
    case 'azure':
      return azureProvider(config);
    case 'azure-legacy':
      return azureLegacyProvider(config);
    case 'sandbox':
      return sandboxProvider();
    default: {
      const kind = (config as { kind?: unknown }).kind;
      throw new TypeError(
        `Unknown provider kind ${JSON.stringify(kind)}: use openai, compatible, azure, azure-legacy or sandbox.`,
      );
    }
  }
}
