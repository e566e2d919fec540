// Shared by the MCP cross-package tests: the built server (by package name) on an in-memory transport,
// its core client pointed at the fake upstream through the production got transport.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpRequest, HttpResponse, Transport } from '@brushwork/core';
import { createImageClient } from '@brushwork/core/node';
import { createGotTransport } from '@brushwork/core/got';
import { createBrushworkServer, parseConfig, providerWithAuth, type ServerConfig } from '@brushwork/mcp-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { type FakeUpstream, type FakeUpstreamOptions, startFakeUpstream } from '../fake-upstream/index.ts';

export const KEY = 'sk-test-mcp-0123456789abcdef';

export interface McpHarness {
  client: Client;
  config: ServerConfig;
  outputDir: string;
  root: string;
  logs: string[];
  /** Every request the core sent, with its AbortSignal. */
  requests: HttpRequest[];
  /** Every sleep the core asked for (retries), in ms; resolved at once. */
  sleeps: number[];
  call(
    name: string,
    args: Record<string, unknown>,
    options?: { onprogress?: (p: Progress) => void; signal?: AbortSignal },
  ): Promise<CallToolResult>;
  /** The files in the output directory, without the spend ledger and its lock / reservations. */
  files(): Promise<string[]>;
  /** The spend ledger's lines, parsed. */
  ledger(): Promise<Record<string, unknown>[]>;
  /** Every response the core got, its body copied (undefined when streamed). */
  responses: HttpResponse[];
  close(): Promise<void>;
}

export async function startMcp(env: Record<string, string>, argv: string[] = []): Promise<McpHarness> {
  const root = await mkdtemp(join(tmpdir(), 'brushwork-mcp-e2e-'));
  const outputDir = join(root, 'images');
  const outcome = parseConfig({ BRUSHWORK_OUTPUT_DIR: outputDir, ...env }, argv, { cwd: root, homedir: root });
  if (outcome.kind !== 'config') throw new Error(`bad test config: ${JSON.stringify(outcome)}`);
  const config = outcome.config;
  const requests: HttpRequest[] = [];
  const sleeps: number[] = [];
  const got = createGotTransport();
  const responses: HttpResponse[] = [];
  let closing: Promise<void> | undefined;
  const transport: Transport = async (request) => {
    requests.push(request);
    const response = await got(request);
    const recorded: HttpResponse = { ...response, ...(response.body ? { body: Uint8Array.from(response.body) } : {}) };
    responses.push(recorded);
    if (!response.chunks || response.body) return response;
    // A streamed body (the core decodes b64_json as it arrives): keep a copy of the bytes as they pass.
    const source = response.chunks;
    const copies: Uint8Array[] = [];
    return {
      ...response,
      chunks: (async function* () {
        for await (const chunk of source) {
          copies.push(Uint8Array.from(chunk));
          yield chunk;
        }
        recorded.body = Buffer.concat(copies);
      })(),
    };
  };
  const client = createImageClient({
    provider: providerWithAuth(config, transport),
    transport,
    random: () => 0.5,
    sleep: async (ms, signal) => {
      sleeps.push(ms);
      if (signal?.aborted) throw signal.reason;
    },
  });
  const logs: string[] = [];
  const server = createBrushworkServer(config, { client, log: (line) => logs.push(line) });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const mcp = new Client({ name: 'brushwork-e2e', version: '1.0.0' });
  await server.connect(serverSide);
  await mcp.connect(clientSide);
  return {
    client: mcp,
    config,
    outputDir,
    root,
    logs,
    requests,
    sleeps,
    call: async (name, args, options = {}) =>
      (await mcp.callTool({ name, arguments: args }, undefined, {
        ...(options.onprogress ? { onprogress: options.onprogress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      })) as CallToolResult,
    files: () => imageFiles(outputDir),
    ledger: async () => {
      const text = await readFile(join(outputDir, 'brushwork-ledger.jsonl'), 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    responses,
    // Once, however often it is called (a test may close early; the suite closes what it started).
    close: () => {
      closing ??= (async () => {
        await mcp.close();
        await server.close();
        await rm(root, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

export function textOf(result: { content?: unknown }): string {
  return ((result.content ?? []) as { type: string; text?: string }[])
    .filter((b) => b.type === 'text')
    .map((b) => b.text)
    .join('\n');
}

export function blocksOf(result: { content?: unknown }, type: string): Record<string, unknown>[] {
  return ((result.content ?? []) as Record<string, unknown>[]).filter((b) => b.type === type);
}

/** The files in an output directory but the spend ledger's bookkeeping (ledger, lock, reservations), sorted. */
export async function imageFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((name) => !/^(brushwork-ledger\.jsonl|\.brushwork-)/.test(name)).sort();
}

/**
 * A test file's fake upstream (reset before each test, closed after the file) and the MCP servers its
 * tests start with `start` (closed after each test); `openai` is the environment pointing at the fake.
 */
export async function fakeUpstreamSuite(options?: FakeUpstreamOptions) {
  const fake: FakeUpstream = await startFakeUpstream(options);
  const started: McpHarness[] = [];
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());
  afterEach(async () => {
    for (const harness of started.splice(0)) await harness.close();
  });
  return {
    fake,
    openai: (extra: Record<string, string> = {}) => ({
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: fake.openaiBaseUrl,
      ...extra,
    }),
    async start(env: Record<string, string>, argv: string[] = []): Promise<McpHarness> {
      const harness = await startMcp(env, argv);
      started.push(harness);
      return harness;
    },
  };
}
