// MCP over Streamable HTTP, the built CLI (packages/mcp-server/dist/cli.js --http) as users start it:
// foreign Origin, wrong Host, missing or wrong bearer token are refused (403 / 401) before the MCP layer,
// the default bind is loopback only, a proper client still works end to end, and neither the API key nor
// the HTTP token shows up in any answer or log line.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, INITIALIZE, post } from '../../packages/mcp-server/test/http-helpers.ts';
import type { FakeUpstream } from '../fake-upstream/index.ts';
import { recordFigures, verdict } from './figures.ts';
import { startCanaryFake } from './harness.ts';
import { CANARY_KEY, CANARY_TOKEN, SecretScanner } from './secrets.ts';

const CLI = resolve(import.meta.dirname, '../../packages/mcp-server/dist/cli.js');

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(2000, () => done(false));
  });
}

let fake: FakeUpstream;
let child: ChildProcess;
let root: string;
let port: number;
let announced: string;
const stderr: string[] = [];
const stdout: string[] = [];
const answers: Answer[] = [];

beforeAll(async () => {
  fake = await startCanaryFake();
  root = await mkdtemp(join(tmpdir(), 'brushwork-reliability-http-'));
  child = spawn(process.execPath, [CLI, '--http', '--port', '0'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: root,
      OPENAI_API_KEY: CANARY_KEY,
      OPENAI_BASE_URL: fake.openaiBaseUrl,
      BRUSHWORK_HTTP_TOKEN: CANARY_TOKEN,
      BRUSHWORK_OUTPUT_DIR: join(root, 'images'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk.toString()));
  announced = await new Promise<string>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`the CLI did not start: ${stderr.join('')}`)), 20_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr.push(chunk.toString());
      const match = /Streamable HTTP on (http:\/\/\S+?\/mcp)/.exec(stderr.join(''));
      if (match?.[1]) {
        clearTimeout(timer);
        resolvePromise(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`the CLI exited with ${code}: ${stderr.join('')}`)));
  });
  port = Number(new URL(announced).port);
}, 30_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await fake?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const good = () => ({ host: `127.0.0.1:${port}`, authorization: `Bearer ${CANARY_TOKEN}` });

async function expectRefused(headers: Record<string, string>, status: number): Promise<Answer> {
  const answer = await post({ port }, headers);
  answers.push(answer);
  expect(answer.status, answer.body).toBe(status);
  expect(answer.headers['mcp-session-id']).toBeUndefined();
  return answer;
}

describe('MCP Streamable HTTP: the built CLI refuses what it must', () => {
  it('binds loopback by default: announces 127.0.0.1 and is not reachable on other interfaces', async () => {
    expect(new URL(announced).hostname).toBe('127.0.0.1');
    expect(await canConnect('127.0.0.1', port)).toBe(true);
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && !i.internal && i.family === 'IPv4')
      .map((i) => i?.address as string);
    for (const address of external) expect(await canConnect(address, port), address).toBe(false);
  });

  it('accepts a proper initialize (the refusals below are not refusing everything)', async () => {
    const answer = await post({ port }, good());
    answers.push(answer);
    expect(answer.status).toBe(200);
    expect(answer.headers['mcp-session-id']).toBeTruthy();
  });

  it.each([
    ['a foreign site', 'https://evil.example'],
    ['a look-alike of localhost', 'http://localhost.evil.example'],
    ['the null origin (sandboxed frame, file://)', 'null'],
    ['another scheme', 'chrome-extension://abcdefghijklmnop'],
  ])('refuses Origin from %s with 403', async (_what, origin) => {
    const answer = await expectRefused({ ...good(), origin }, 403);
    expect(answer.body).toMatch(/Origin/);
  });

  it.each([
    ['another host name (DNS rebinding)', 'evil.example'],
    ['another host with our port', `evil.example:${port}`],
    ['a look-alike of localhost', `localhost.evil.example:${port}`],
    ['a public address', `93.184.216.34:${port}`],
  ])('refuses Host of %s with 403', async (_what, host) => {
    const answer = await expectRefused({ ...good(), host }, 403);
    expect(answer.body).toMatch(/Host/);
  });

  it.each([
    ['missing', undefined],
    ['empty bearer', 'Bearer '],
    ['wrong token', 'Bearer wrong-token'],
    ['the token with one character more', `Bearer ${CANARY_TOKEN}x`],
    ['the token with one character less', `Bearer ${CANARY_TOKEN.slice(0, -1)}`],
    ['the token as Basic auth', `Basic ${Buffer.from(`user:${CANARY_TOKEN}`).toString('base64')}`],
    ['the token without the scheme', CANARY_TOKEN],
    ['the API key instead of the token', `Bearer ${CANARY_KEY}`],
  ])('refuses a %s Authorization with 401', async (_what, authorization) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${port}` };
    if (authorization !== undefined) headers.authorization = authorization;
    const answer = await expectRefused(headers, 401);
    expect(String(answer.headers['www-authenticate'])).toMatch(/^Bearer/);
  });

  it('refuses the token in the query string instead of the header (401)', async () => {
    const answer = await post({ port }, { host: `127.0.0.1:${port}` }, INITIALIZE, `/mcp?token=${CANARY_TOKEN}`);
    answers.push(answer);
    expect(answer.status).toBe(401);
  });

  it('70 initialize requests from one client leave room for the next (issue 14, finding 2)', async () => {
    const flood = await Promise.all(Array.from({ length: 70 }, () => post({ port }, good())));
    expect(flood.filter((a) => a.status !== 200 && a.status !== 503).map((a) => a.status)).toEqual([]);
    // the next client from the same address still gets a session (and so does the end-to-end one below)
    expect((await post({ port }, good())).status).toBe(200);
  });

  it('a client with the token generates an image end to end; the key and token appear nowhere', async () => {
    const client = new Client({ name: 'reliability-http', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(announced), {
      requestInit: { headers: { authorization: `Bearer ${CANARY_TOKEN}` } },
    });
    await client.connect(transport);
    const result = (await client.callTool({
      name: 'generate_image',
      arguments: { prompt: 'a kite over the dunes', model: 'gpt-image-2', size: '256x256', quality: 'low' },
    })) as CallToolResult;
    const failed = (await client.callTool({
      name: 'generate_image',
      arguments: { prompt: 'a kite over the dunes', size: '1000x1000' },
    })) as CallToolResult;
    await client.close();
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { images: unknown[] }).images).toHaveLength(1);
    expect(failed.isError).toBe(true);
    expect(fake.log.filter((e) => e.route === 'openai.generations')).toHaveLength(1);
    expect(fake.log.every((e) => e.authValid !== false)).toBe(true);

    const scanner = new SecretScanner([CANARY_KEY, CANARY_TOKEN]);
    scanner.value('tool result', result).value('tool error result', failed);
    answers.forEach((answer, i) => {
      scanner.value(`HTTP answer ${i}`, answer);
    });
    scanner.lines('CLI stderr', stderr.join('').split('\n')).lines('CLI stdout', stdout.join('').split('\n'));
    await scanner.dir(join(root, 'images'));
    const refused = answers.filter((a) => a.status === 401 || a.status === 403).length;
    const attacks = answers.length - 1;
    await recordFigures({
      suite: 'mcp-http',
      title: 'MCP Streamable HTTP (built CLI, --http)',
      rows: [
        {
          figure: 'default bind',
          value: new URL(announced).hostname,
          target: 'loopback',
          verdict: verdict(new URL(announced).hostname === '127.0.0.1'),
        },
        {
          figure: 'bad Origin / Host / token requests refused',
          value: `${refused}/${attacks}`,
          target: 'all',
          verdict: verdict(refused === attacks),
        },
        {
          figure: 'key or token occurrences',
          value: scanner.hits.length,
          target: '0',
          verdict: verdict(scanner.hits.length === 0),
        },
      ],
    });
    expect(answers.length).toBeGreaterThan(15);
    expect(refused).toBe(attacks);
    expect(scanner.hits, scanner.report()).toEqual([]);
  });
});
