/**
 * The MCP server: tools (generate_image, edit_image, estimate_cost, list_models) and saved-image resources over one
 * core ImageClient. Everything with I/O besides the file system (the HTTP transport, the clock, stderr)
 * is injected, so tests run it against the sandbox or the fake upstream.
 */
import { createRequire } from 'node:module';
import {
  createEntraTokenSource,
  type ImageClient,
  type ProviderConfig,
  staticTokenSource,
  type TokenSource,
  type Transport,
} from '@brushwork/core';
import { createFetchTransport, createImageClient } from '@brushwork/core/node';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerConfig } from './config.js';
import { modelContext } from './describe.js';
import { createModelListCache, type ModelListCache } from './model-cache.js';
import { createSpendGuard, loadPrices, type SpendGuard } from './spend/index.js';
import { registerImageResources } from './resources.js';
import { ImageTaskStore } from './task-store.js';
import type { ToolContext } from './tools/context.js';
import { registerEditImage } from './tools/edit-image.js';
import { registerEstimateCost } from './tools/estimate-cost.js';
import { registerGenerateImage } from './tools/generate-image.js';
import { answerPlainCallsAtOnce } from './tools/image-tool.js';
import { registerListModels } from './tools/list-models.js';
import { registerViewer } from './viewer.js';

export const SERVER_NAME = 'brushwork';
export const SERVER_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string })
  .version;

export interface ServerDeps {
  /** The core client. Default: one built from the config with `transport`. */
  client?: ImageClient;
  /** The HTTP transport for the client (production: @brushwork/core/got). Ignored for the sandbox. */
  transport?: Transport;
  now?: () => Date;
  /** The model list cache; give every session of a process the same one. Default: one per server. */
  modelList?: ModelListCache;
  /** One line to stderr. */
  log?: (line: string) => void;
  /**
   * The spend guard (caps, ledger, prices); give every session of a process the same one
   * (`createServerSpendGuard`). Default: one for this server, without BRUSHWORK_PRICES.
   */
  spend?: SpendGuard;
}

/** The spend guard of a config: its output directory, caps and the BRUSHWORK_PRICES file (read here). */
export async function createServerSpendGuard(config: ServerConfig): Promise<SpendGuard> {
  const prices = await loadPrices(config.spend.pricesFile);
  return createSpendGuard({ dir: config.outputDir, config: config.spend, ...(prices ? { prices } : {}) });
}

/** One token source per configuration: every session (and stateless request) of a process shares its cached token. */
const tokenSources = new WeakMap<ServerConfig, TokenSource>();

/** The Entra ID token source of an Azure configuration without a key (undefined otherwise). */
function tokenSourceFor(config: ServerConfig, transport: Transport | undefined): TokenSource | undefined {
  const keyless = config.azureKeyless;
  if (!keyless || config.provider.kind !== 'azure') return undefined;
  let source = tokenSources.get(config);
  if (!source) {
    source =
      keyless.kind === 'token'
        ? staticTokenSource(keyless.token)
        : createEntraTokenSource({
            tenantId: keyless.tenantId,
            clientId: keyless.clientId,
            clientSecret: keyless.clientSecret,
            authorityHost: keyless.authorityHost,
            transport: transport ?? createFetchTransport(),
            settingNames: ENTRA_SETTING_NAMES,
          });
    tokenSources.set(config, source);
  }
  return source;
}

const ENTRA_SETTING_NAMES = {
  tenantId: 'AZURE_TENANT_ID',
  clientId: 'AZURE_CLIENT_ID',
  clientSecret: 'AZURE_CLIENT_SECRET',
  authorityHost: 'AZURE_AUTHORITY_HOST',
};

/** The provider configuration with its Entra ID token source (Azure without a key), ready for the client. */
export function providerWithAuth(config: ServerConfig, transport?: Transport): ProviderConfig {
  const tokenSource = tokenSourceFor(config, transport);
  return tokenSource && config.provider.kind === 'azure' ? { ...config.provider, tokenSource } : config.provider;
}

export function clientFor(config: ServerConfig, transport?: Transport): ImageClient {
  return createImageClient({ provider: providerWithAuth(config, transport), ...(transport ? { transport } : {}) });
}

export function createBrushworkServer(config: ServerConfig, deps: ServerDeps = {}): McpServer {
  if (!deps.spend && config.spend.pricesFile)
    throw new Error('BRUSHWORK_PRICES is set: create the spend guard with createServerSpendGuard(config)');
  // Tasks live in this process until they expire: with --stateless (one server per request, any replica)
  // they could not be found again, so a stateless server offers plain calls only.
  const tasks = config.http.stateless ? undefined : new ImageTaskStore({ ttlMs: config.taskTtlMs });
  const server = new McpServer(
    { name: SERVER_NAME, title: 'Brushwork images', version: SERVER_VERSION },
    {
      ...(tasks
        ? { taskStore: tasks, capabilities: { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } } }
        : {}),
      instructions:
        'Brushwork generates and edits images. generate_image saves full-resolution files and returns small previews plus resource links; pass those paths or brushwork://images/ URIs to edit_image. list_models shows which models the key can use.',
    },
  );
  const context: ToolContext = {
    config,
    client: deps.client ?? clientFor(config, deps.transport),
    model: modelContext(config),
    modelList: deps.modelList ?? createModelListCache(),
    now: deps.now ?? (() => new Date()),
    log: deps.log ?? (() => {}),
    onSaved: () => {
      if (server.isConnected()) server.sendResourceListChanged();
    },
    spend: deps.spend ?? createSpendGuard({ dir: config.outputDir, config: config.spend }),
    ...(tasks ? { tasks } : {}),
  };
  registerGenerateImage(server, context);
  registerEditImage(server, context);
  registerEstimateCost(server, context);
  registerListModels(server, context);
  if (tasks) answerPlainCallsAtOnce(server);
  registerImageResources(server, config);
  registerViewer(server);
  if (tasks) server.server.onclose = () => tasks.close();
  return server;
}
