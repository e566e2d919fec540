// The official MCP Inspector CLI (@modelcontextprotocol/inspector --cli) against the built server.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../packages/mcp-server/dist/cli.js', import.meta.url));
const require = createRequire(import.meta.url);
const INSPECTOR = join(
  dirname(require.resolve('@modelcontextprotocol/inspector/package.json')),
  'clients/launcher/build/index.js',
);

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'brushwork-inspector-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

async function inspector(args: string[]): Promise<unknown> {
  const { stdout } = await run(
    process.execPath,
    [
      INSPECTOR,
      '--cli',
      '--format',
      'json',
      '-e',
      `BRUSHWORK_OUTPUT_DIR=${join(home, 'images')}`,
      process.execPath,
      CLI,
      ...args,
    ],
    // A private HOME: the Inspector keeps its catalog and secrets under ~/.mcp-inspector.
    { env: { PATH: process.env.PATH ?? '', HOME: home }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout);
}

describe('MCP Inspector CLI', () => {
  it('lists the tools with their schemas', async () => {
    const out = (await inspector(['--method', 'tools/list'])) as {
      result: { tools: { name: string; inputSchema: { required?: string[] }; outputSchema?: unknown }[] };
    };
    const tools = out.result.tools;
    expect(tools.map((t) => t.name).sort()).toEqual(['edit_image', 'estimate_cost', 'generate_image', 'list_models']);
    const generate = tools.find((t) => t.name === 'generate_image')!;
    expect(generate.inputSchema.required).toEqual(['prompt']);
    expect(generate.outputSchema).toBeDefined();
  });

  it('calls generate_image and gets a saved file back', async () => {
    const out = (await inspector([
      '--method',
      'tools/call',
      '--tool-name',
      'generate_image',
      '--tool-args-json',
      JSON.stringify({ prompt: 'inspected fox', size: '1024x1024' }),
    ])) as {
      result: { isError?: boolean; content: { type: string }[]; structuredContent: { images: { path: string }[] } };
    };
    expect(out.result.isError).toBeFalsy();
    expect(out.result.content.map((c) => c.type)).toEqual(['text', 'image', 'resource_link']);
    const path = out.result.structuredContent.images[0]!.path;
    expect(path.startsWith(join(home, 'images'))).toBe(true);
    expect((await stat(path)).size).toBeGreaterThan(0);
  });
});
