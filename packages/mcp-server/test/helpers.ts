import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { parseConfig, type ServerConfig } from '../src/config.js';
import { createBrushworkServer, type ServerDeps } from '../src/server.js';

export interface Harness {
  client: Client;
  config: ServerConfig;
  outputDir: string;
  root: string;
  logs: string[];
  close(): Promise<void>;
}

/** A server on the in-memory transport, configured like the CLI would be from `env` and `argv`. */
export async function startHarness(
  env: Record<string, string> = {},
  argv: string[] = [],
  deps: ServerDeps = {},
): Promise<Harness> {
  const root = await mkdtemp(join(tmpdir(), 'brushwork-mcp-'));
  const outputDir = join(root, 'images');
  const outcome = parseConfig({ BRUSHWORK_OUTPUT_DIR: outputDir, ...env }, argv, { cwd: root, homedir: root });
  if (outcome.kind !== 'config') throw new Error(`bad test config: ${JSON.stringify(outcome)}`);
  const logs: string[] = [];
  const server = createBrushworkServer(outcome.config, {
    log: (line) => logs.push(line),
    now: () => new Date(Date.UTC(2026, 7, 1, 12, 0, 0)),
    ...deps,
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'brushwork-test', version: '1.0.0' });
  await server.connect(serverSide);
  await client.connect(clientSide);
  return {
    client,
    config: outcome.config,
    outputDir,
    root,
    logs,
    close: async () => {
      await client.close();
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export function textOf(result: CallToolResult | { content?: unknown }): string {
  const content = (result.content ?? []) as { type: string; text?: string }[];
  return content
    .filter((block) => block.type === 'text')
    .map((block) => block.text)
    .join('\n');
}

export function blocksOf<T extends string>(
  result: { content?: unknown },
  type: T,
): ({ type: T } & Record<string, unknown>)[] {
  return ((result.content ?? []) as ({ type: string } & Record<string, unknown>)[]).filter(
    (block): block is { type: T } & Record<string, unknown> => block.type === type,
  );
}

/** Sum of the base64 of all inline images in a result. */
export function inlineBase64(result: { content?: unknown }): number {
  return blocksOf(result, 'image').reduce((sum, block) => sum + String(block.data).length, 0);
}
