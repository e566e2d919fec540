// MCP server replicas for the load-balancer test: the built CLI (packages/mcp-server/dist/cli.js) as a
// user starts it, `--http --port 0`, one child process each; the port is read from the line it announces.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const CLI = resolve(import.meta.dirname, '../../packages/mcp-server/dist/cli.js');

export interface Replica {
  name: string;
  port: number;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Resolves when the process has exited (for whatever reason). */
  exited: Promise<void>;
  /** SIGKILL: the replica dies mid-call, as when its machine goes away. Resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM, then waits for the exit (nothing when already gone). */
  stop(): Promise<void>;
}

/** Starts `node cli.js --http --port 0 ...args` with exactly `env` (plus PATH). */
export async function startReplica(name: string, args: string[], env: Record<string, string>): Promise<Replica> {
  const child: ChildProcess = spawn(process.execPath, [CLI, '--http', '--port', '0', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<void>((resolvePromise) => child.once('exit', () => resolvePromise()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const end = async (signal: NodeJS.Signals) => {
    if (!gone()) child.kill(signal);
    await exited;
  };
  const port = await new Promise<number>((resolvePromise, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /Streamable HTTP on http:\/\/127\.0\.0\.1:(\d+)\/mcp/.exec(stderr);
      if (match?.[1]) resolvePromise(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`replica ${name} exited with ${code}: ${stderr.trim()}`)));
  });
  return {
    name,
    port,
    stderr: () => stderr,
    exited,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
}
