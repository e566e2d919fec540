import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { connectFakeUpstream } from './index.ts';
import { bearer, call } from './test-helpers.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoNode = fileURLToPath(new URL('../../node_modules/.bin/node', import.meta.url));
// Node 24 (the repo's node devDependency) runs the .ts CLI directly by stripping types.
const nodeBinary = existsSync(repoNode) ? repoNode : process.execPath;

let child: ChildProcess | undefined;
afterAll(() => {
  if (child?.pid && child.exitCode === null) child.kill('SIGTERM');
});

function startCli(args: string[]): Promise<{ url: string; openaiBaseUrl: string; controlUrl: string; pid: number }> {
  child = spawn(nodeBinary, [`${here}cli.ts`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child!.stdout! });
    lines.once('line', (line) => resolve(JSON.parse(line)));
    child!.once('exit', (code) => reject(new Error(`cli exited with ${code}: ${stderr}`)));
  });
}

describe('cli.ts in its own process, driven over /__control', () => {
  it('prints its URLs as JSON, serves the API, and obeys control calls', async () => {
    const info = await startCli(['--port', '0', '--rate-limit', '2', '--rate-limit-retry-after']);
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.openaiBaseUrl).toBe(`${info.url}/v1`);
    expect(info.controlUrl).toBe(`${info.url}/__control`);
    expect(info.pid).toBe(child?.pid);

    const remote = connectFakeUpstream(info.url);
    const gen = `${remote.openaiBaseUrl}/images/generations`;
    const body = { model: 'gpt-image-2', prompt: 'x', size: '256x256' };

    await remote.inject({ kind: 'server_error', status: 503, path: /generations$/ });
    expect((await call(gen, { headers: bearer(), body })).status).toBe(503);
    expect((await call(gen, { headers: bearer(), body: { ...body, n: 2 } })).status).toBe(200);
    const limited = await call(gen, { headers: bearer(), body });
    expect(limited.status).toBe(429); // --rate-limit 2 from the command line
    expect(limited.headers.get('retry-after')).toBe('60');

    const log = await remote.log();
    expect(log.map((e) => [e.status, e.fault ?? null])).toEqual([
      [503, 'server_error'],
      [200, null],
      [429, null],
    ]);
    expect(log[0]?.headers['authorization']).toBe('REDACTED');

    await remote.reset();
    await remote.setRateLimit(undefined);
    await remote.configure({ triggerWord: 'banana' });
    expect((await call(gen, { headers: bearer(), body: { ...body, prompt: 'banana split' } })).json.error.code).toBe(
      'moderation_blocked',
    );
    await remote.setLatency(1);
    await remote.clearLog();
    expect(await remote.log()).toEqual([]);
    await expect(remote.inject({ kind: 'nope' } as never)).rejects.toThrow(/unknown fault kind/);
    await expect(remote.configure({ nothing: 1 } as never)).rejects.toThrow(/unknown config key/);

    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
