// The built server as MCP clients run it: a child process speaking JSON-RPC on stdio (and HTTP with --http).
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../packages/mcp-server/dist/cli.js', import.meta.url));

let root: string;
const children: ChildProcessWithoutNullStreams[] = [];
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'brushwork-stdio-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill();
  await rm(root, { recursive: true, force: true });
});

/** Only what the server needs: no inherited API keys, a private HOME and output dir. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: root, BRUSHWORK_OUTPUT_DIR: join(root, 'images'), ...extra };
}

function run(args: string[], env: Record<string, string>, input?: string) {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: 'pipe' });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  if (input !== undefined) child.stdin.write(input);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe('stdio', () => {
  it('serves tools to an SDK client over stdio, in the sandbox without a key', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI],
      env: cleanEnv(),
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(['edit_image', 'estimate_cost', 'generate_image', 'list_models']);
      const result = (await client.callTool({
        name: 'generate_image',
        arguments: { prompt: 'stdio fox', size: '1024x1024' },
      })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      const path = (result.structuredContent as { images: { path: string }[] }).images[0]!.path;
      expect(path.startsWith(join(root, 'images'))).toBe(true);
      expect((await stat(path)).size).toBeGreaterThan(0);
      expect(stderr).toMatch(/No API key found.*sandbox/);
    } finally {
      await client.close();
    }
  });

  it('writes nothing but JSON-RPC messages to stdout', async () => {
    const lines = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: {
          name: 'generate_image',
          arguments: { prompt: 'raw', size: '1024x1024' },
          _meta: { progressToken: 'p1' },
        },
      },
    ];
    const proc = run([], cleanEnv(), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    await expect.poll(() => proc.out().includes('"id":2'), { timeout: 20_000 }).toBe(true);
    proc.child.stdin.end();
    expect(await proc.exited).toBe(0);
    const messages = proc
      .out()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { jsonrpc: string; method?: string; id?: number });
    expect(messages.every((m) => m.jsonrpc === '2.0')).toBe(true);
    expect(messages.some((m) => m.method === 'notifications/progress')).toBe(true);
    expect(messages.filter((m) => m.id !== undefined).map((m) => m.id)).toEqual([1, 2]);
    expect(proc.err()).toMatch(/ready on stdio/);
  });

  it('exits 1 with one clear line on stderr for bad configuration', async () => {
    const proc = run([], cleanEnv({ BRUSHWORK_PROVIDER: 'gemini', OPENAI_API_KEY: 'sk-secret-never-shown-123' }));
    expect(await proc.exited).toBe(1);
    expect(proc.out()).toBe('');
    const lines = proc.err().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^brushwork-mcp: configuration error: BRUSHWORK_PROVIDER .* openai, azure, sandbox/);
    expect(proc.err()).not.toContain('sk-secret-never-shown-123');
    expect(await readdir(root)).toEqual([]);
  });

  it('prints --help', async () => {
    const proc = run(['--help'], cleanEnv());
    expect(await proc.exited).toBe(0);
    expect(proc.out()).toMatch(/Usage: brushwork-mcp/);
    expect(proc.out()).toContain('OPENAI_API_KEY');
  });
});

function post(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'h', version: '1' } },
      }),
    );
  });
}

describe('--http', () => {
  it('binds 127.0.0.1, refuses foreign origins (403) and missing tokens (401), serves with the token', async () => {
    const token = 'http-token-for-tests-42';
    const proc = run(['--http', '--port', '0'], cleanEnv({ BRUSHWORK_HTTP_TOKEN: token }));
    await expect.poll(() => /Streamable HTTP on (\S+)/.exec(proc.err())?.[1], { timeout: 20_000 }).toBeTruthy();
    const url = /Streamable HTTP on (\S+)/.exec(proc.err())![1]!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(proc.err()).not.toContain(token);

    expect(await post(url, { authorization: `Bearer ${token}`, origin: 'https://evil.example' })).toBe(403);
    expect(await post(url, {})).toBe(401);
    expect(await post(url, { authorization: 'Bearer nope' })).toBe(401);

    const client = new Client({ name: 'http-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    const result = (await client.callTool({
      name: 'generate_image',
      arguments: { prompt: 'over http', size: '1024x1024' },
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    await client.close();
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  });
});
