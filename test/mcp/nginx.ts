// A real nginx for the replica test, from the site config the deployment guide shows
// (docs/nginx/brushwork-mcp.conf): only its addresses are replaced (loopback, free ports); the main config
// around it keeps everything (pid, logs, temp files) inside a temp folder. Debian's nginx, not installed
// by the test: a machine without it gets one line saying how to install it.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** The site config the deployment guide shows and the test runs. */
export const NGINX_SITE_FILE = resolve(import.meta.dirname, '../../docs/nginx/brushwork-mcp.conf');

export const NGINX_MISSING =
  'nginx not found: install it with `apt-get install -y nginx` (Debian/Ubuntu, as root); the MCP replica test runs a real nginx';

/** nginx on PATH or in the sbin folders Debian puts it in (often not on a normal user's PATH). */
export function findNginx(env: Record<string, string | undefined> = process.env): string | undefined {
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  return dirs
    .filter((dir) => isAbsolute(dir))
    .map((dir) => join(dir, 'nginx'))
    .find((path) => existsSync(path));
}

export interface Address {
  host: string;
  port: number;
}

/**
 * The guide's site config with its `listen` and its upstream `server` lines pointed at the given
 * addresses. Throws when the template no longer has one listen and one server line per replica, so the
 * test and the guide cannot drift apart silently.
 */
export function siteConfig(template: string, listen: Address, replicas: readonly Address[]): string {
  const listens = template.match(/^\s*listen\s+[^;]+;/gm) ?? [];
  const servers = template.match(/^\s*server\s+[^\s;{]+/gm) ?? [];
  if (listens.length !== 1 || servers.length !== replicas.length) {
    throw new Error(
      `${NGINX_SITE_FILE}: expected 1 listen and ${replicas.length} upstream server lines, found ${listens.length} and ${servers.length}`,
    );
  }
  let next = 0;
  return template
    .replace(/^(\s*listen\s+)[^;]+;/m, `$1${listen.host}:${listen.port};`)
    .replace(/^(\s*server\s+)[^\s;{]+/gm, (_line, lead: string) => {
      const replica = replicas[next++]!;
      return `${lead}${replica.host}:${replica.port}`;
    });
}

/** The main config around the site: one worker (one round-robin order), everything under `prefix`. */
export function mainConfig(prefix: string, site: string): string {
  const temp = (name: string) => `${name}_temp_path ${join(prefix, `${name}-temp`)};`;
  return [
    'worker_processes 1;',
    `pid ${join(prefix, 'nginx.pid')};`,
    `error_log ${join(prefix, 'error.log')} notice;`,
    'events { worker_connections 512; }',
    'http {',
    `    access_log ${join(prefix, 'access.log')};`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `    ${temp(name)}`),
    site,
    '}',
    '',
  ].join('\n');
}

/** A free loopback port (bound, read, released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once('error', () => resolvePromise(false));
  });
}

export interface NginxHandle {
  /** http://127.0.0.1:PORT/mcp */
  url: string;
  port: number;
  /** The generated main config (site included). */
  config: string;
  errorLog(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts nginx (`daemon off`, so it is our child) in front of `replicas`; resolves once it listens. */
export async function startNginx(replicas: readonly Address[]): Promise<NginxHandle> {
  const binary = findNginx();
  if (!binary) throw new Error(NGINX_MISSING);
  const prefix = await mkdtemp(join(tmpdir(), 'brushwork-nginx-'));
  // Run as root, nginx's workers switch to an unprivileged user: they must be able to enter the folder.
  await chmod(prefix, 0o755);
  const port = await freePort();
  const template = await readFile(NGINX_SITE_FILE, 'utf8');
  const config = mainConfig(prefix, siteConfig(template, { host: '127.0.0.1', port }, replicas));
  const confPath = join(prefix, 'nginx.conf');
  await writeFile(confPath, config);
  const errorLog = () => readFile(join(prefix, 'error.log'), 'utf8').catch(() => '');
  const child: ChildProcess = spawn(
    binary,
    ['-e', join(prefix, 'error.log'), '-p', prefix, '-c', confPath, '-g', 'daemon off;'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolvePromise) => child.once('exit', () => resolvePromise()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(prefix, { recursive: true, force: true });
  };
  // Listening, or gone: whichever comes first (nginx exits at once on a bad config or a taken port).
  while (child.exitCode === null && child.signalCode === null && !(await accepts(port))) {
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
  }
  if (child.exitCode !== null || child.signalCode !== null) {
    const why = `${stderr}${await errorLog()}`.trim().split('\n').slice(-3).join(' | ');
    await stop();
    throw new Error(`nginx did not start: ${why}`);
  }
  return { url: `http://127.0.0.1:${port}/mcp`, port, config, errorLog, stop };
}
