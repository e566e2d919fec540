// Shared set-up of the core and MCP reliability suites: the fake upstream accepting only the canary key,
// core clients on the production got transport (every request counted), a fast injected sleep, the MCP
// server (built dist) on an in-memory SDK client, and the identity of the images the fake serves.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpRequest, ImageClient, ProviderConfig, Sleep, Transport } from '@brushwork/core';
import { createImageClient } from '@brushwork/core/node';
import { createGotTransport } from '@brushwork/core/got';
import { createBrushworkServer, parseConfig, providerWithAuth, type ServerConfig } from '@brushwork/mcp-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type FakeUpstream, type FakeUpstreamOptions, startFakeUpstream } from '../fake-upstream/index.ts';
import { promptVariant, renderImage } from '../fake-upstream/images.ts';
import { CANARY_KEY } from './secrets.ts';

/** The fake upstream, accepting the canary key only. */
export function startCanaryFake(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  return startFakeUpstream({ validKeys: [CANARY_KEY], ...options });
}

/**
 * A Sleep that does not wait (resolves on the next turn of the event loop) and records each delay:
 * retries and Retry-After cost nothing in the reduced suites. Rejects at once when the signal aborts.
 */
export function fastSleep(): { sleep: Sleep; delays: number[] } {
  const delays: number[] = [];
  const sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      delays.push(ms);
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      setImmediate(resolve);
    });
  return { sleep, delays };
}

/** The got transport, counting every request it is asked to send. */
export function countingTransport(): { transport: Transport; requests: HttpRequest[] } {
  const got = createGotTransport();
  const requests: HttpRequest[] = [];
  return {
    requests,
    transport: (request) => {
      requests.push(request);
      return got(request);
    },
  };
}

export function openaiProvider(fake: FakeUpstream, apiKey = CANARY_KEY): ProviderConfig {
  return { kind: 'openai', apiKey, baseUrl: fake.openaiBaseUrl };
}

export function azureProvider(fake: FakeUpstream, deployment = 'gpt-image-2', apiKey = CANARY_KEY): ProviderConfig {
  return { kind: 'azure', endpoint: fake.azureEndpoint, deployment, apiVersion: '2025-04-01-preview', apiKey };
}

export interface CoreOnFake {
  client: ImageClient;
  requests: HttpRequest[];
  delays: number[];
}

export function coreClient(
  provider: ProviderConfig,
  options: { timeoutMs?: number; maxRetries?: number; sleep?: Sleep } = {},
): CoreOnFake {
  const { transport, requests } = countingTransport();
  const fast = fastSleep();
  const client = createImageClient({
    provider,
    transport,
    sleep: options.sleep ?? fast.sleep,
    random: () => 0.5,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
  });
  return { client, requests, delays: fast.delays };
}

export interface McpOnFake {
  mcp: Client;
  config: ServerConfig;
  outputDir: string;
  root: string;
  /** lines the server logged (its stderr) */
  logs: string[];
  requests: HttpRequest[];
  delays: number[];
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/**
 * The built MCP server (createBrushworkServer from dist) configured from environment variables as a user
 * would (OPENAI_API_KEY = the canary), its core client on the counting got transport with a fast sleep
 * and a short per-attempt timeout, connected to an SDK client over an in-memory transport.
 */
export async function startMcpOnFake(
  fake: FakeUpstream,
  options: { env?: Record<string, string>; timeoutMs?: number; maxRetries?: number } = {},
): Promise<McpOnFake> {
  const root = await mkdtemp(join(tmpdir(), 'brushwork-reliability-'));
  const outputDir = join(root, 'images');
  const outcome = parseConfig(
    {
      OPENAI_API_KEY: CANARY_KEY,
      OPENAI_BASE_URL: fake.openaiBaseUrl,
      BRUSHWORK_OUTPUT_DIR: outputDir,
      ...options.env,
    },
    [],
    { cwd: root, homedir: root },
  );
  if (outcome.kind !== 'config') throw new Error(`bad test config: ${JSON.stringify(outcome)}`);
  const config = outcome.config;
  const core = coreClient(providerWithAuth(config), options);
  const logs: string[] = [];
  const server = createBrushworkServer(config, { client: core.client, log: (line) => logs.push(line) });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const mcp = new Client({ name: 'brushwork-reliability', version: '1.0.0' });
  await server.connect(serverSide);
  await mcp.connect(clientSide);
  return {
    mcp,
    config,
    outputDir,
    root,
    logs,
    requests: core.requests,
    delays: core.delays,
    call: async (name, args) => (await mcp.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await mcp.close();
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export async function listFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The hash of the image the fake serves for (prompt, index) at a size: solid PNGs whose colour comes
 * from the prompt and the image's position, so a duplicated or misplaced image does not match.
 */
export async function expectedImageHash(prompt: string, index: number, width: number, height: number): Promise<string> {
  const image = await renderImage({
    kind: 'solid',
    width,
    height,
    format: 'png',
    transparent: false,
    variant: promptVariant(prompt) + index,
  });
  return sha256(image.bytes);
}

export function textOf(result: { content?: unknown }): string {
  return ((result.content ?? []) as { type: string; text?: string }[])
    .filter((block) => block.type === 'text')
    .map((block) => block.text ?? '')
    .join('\n');
}
