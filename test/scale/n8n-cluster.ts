// An n8n deployment in queue mode for `pnpm test:scale`: Redis, PostgreSQL, one main process (`n8n start`)
// and workers (`n8n worker`), each n8n process with its own user folder holding the packed
// n8n-nodes-brushwork as a community package (as each machine of a real deployment has it installed).
// Environment: test/scale/queue-env.ts (shared with docs/compose/n8n-queue.yml).
//
// Execution data and binaries are read through the main process's REST API, as the editor reads them: an
// owner account is set up on the fresh instance (POST /rest/owner/setup, open until an owner exists) and
// its session cookie is used. This reads what n8n itself serves (the binary from the database, through
// the main process) rather than n8n's internal tables, whose layout (flatted JSON, binary_data rows) is
// not an interface. n8n does not record the worker of an execution in the database: each worker logs
// "Worker started/finished execution <id>" and the main process logs which worker finished it; the
// suite reads the workers' logs.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseFlatted } from 'flatted';
import {
  type CredentialSpec,
  createN8nHome,
  expectSuccess,
  freePort,
  importAll,
  type N8nHome,
  n8n,
  n8nBin,
  n8nEnv,
  nodeBin,
} from '../n8n/harness.ts';
import { type Connections, mainEnv, workerEnv } from './queue-env.ts';
import {
  httpOk,
  type Postgres,
  type Redis,
  type Service,
  spawnService,
  startPostgres,
  startRedis,
  waitUntil,
} from './services.ts';

export interface Worker {
  name: string;
  service: Service;
  healthPort: number;
}

export interface Cluster {
  redis: Redis;
  postgres: Postgres;
  main: Service;
  mainUrl: string;
  workers: Worker[];
  /** The encryption key and the database password (for the suite's scan of the logs). */
  secrets: string[];
  /** Every service's log. */
  logs(): Promise<Array<{ name: string; text: string }>>;
  /** REST API session of the owner (cookie + browser id). */
  rest<T>(path: string): Promise<T>;
  restBytes(path: string): Promise<Uint8Array>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  root: string;
  tarball: string;
  credentials: CredentialSpec[];
  workflows: Array<{ id: string }>;
  workerCount: number;
  workerConcurrency: number;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const started: Service[] = [];
  const stop = async () => {
    // n8n first (they hold connections to the others), then the stores.
    await Promise.all(started.filter((s) => s.name.startsWith('n8n')).map((s) => s.stop()));
    await Promise.all(started.filter((s) => !s.name.startsWith('n8n')).map((s) => s.stop()));
  };
  try {
    const logDir = join(options.root, 'logs');
    await mkdir(logDir, { recursive: true });
    // PostgreSQL runs as another user (see services.ts): it must be able to pass through the root folder
    // (mkdtemp makes it 0700) to reach its own.
    await chmod(options.root, 0o711);
    // Each is registered for stop() as soon as it runs, so one failing to start does not leak the other.
    const track = <T extends { service: Service }>(store: T) => {
      started.push(store.service);
      return store;
    };
    const starting = [
      startRedis(join(options.root, 'redis')).then(track),
      startPostgres(join(options.root, 'postgres'), { user: 'n8n', database: 'n8n' }).then(track),
    ] as const;
    // Both settle before anything fails, so stop() sees every store that did start.
    await Promise.allSettled(starting);
    const [redis, postgres] = await Promise.all(starting);
    const connections: Connections = {
      redisHost: '127.0.0.1',
      redisPort: redis.port,
      postgresHost: '127.0.0.1',
      postgresPort: postgres.port,
      postgresPassword: postgres.password,
      encryptionKey: randomBytes(24).toString('base64url'),
    };
    const mainPort = await freePort();
    const mainHome = await createN8nHome(options.tarball, join(options.root, 'main'));
    const envOfMain = mainEnv(connections, mainPort);
    // Credentials and the workflow go into PostgreSQL before the main process starts; published (active)
    // there, so the main process registers the webhook as it starts.
    await importAll(mainHome, options.credentials, options.workflows, envOfMain);
    for (const workflow of options.workflows) {
      await expectSuccess(
        await n8n(mainHome, ['publish:workflow', `--id=${workflow.id}`], { env: envOfMain }),
        'n8n publish:workflow',
      );
    }
    const launch = async (name: string, home: N8nHome, args: string[], env: Record<string, string>) => {
      const service = await spawnService(name, nodeBin(), [n8nBin(), ...args], {
        cwd: home.dir,
        env: n8nEnv(home, { ...env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) }),
        logDir,
      });
      started.push(service);
      return service;
    };
    const main = await launch('n8n-main', mainHome, ['start'], envOfMain);
    const workers: Worker[] = [];
    for (let i = 0; i < options.workerCount; i++) {
      const name = `n8n-worker-${String.fromCharCode(97 + i)}`;
      const home = await createN8nHome(options.tarball, join(options.root, name));
      const healthPort = await freePort();
      const service = await launch(
        name,
        home,
        ['worker', `--concurrency=${options.workerConcurrency}`],
        workerEnv(connections, healthPort),
      );
      workers.push({ name, service, healthPort });
    }
    const mainUrl = `http://127.0.0.1:${mainPort}`;
    await waitUntil('n8n main', () => httpOk(`${mainUrl}/healthz/readiness`), { service: main, timeoutMs: 180_000 });
    for (const worker of workers) {
      await waitUntil(worker.name, () => httpOk(`http://127.0.0.1:${worker.healthPort}/healthz/readiness`), {
        service: worker.service,
        timeoutMs: 180_000,
      });
    }
    const session = await ownerSession(mainUrl);
    const request = async (path: string) => {
      const response = await fetch(`${mainUrl}${path}`, {
        headers: { cookie: session.cookie, 'browser-id': session.browserId },
        signal: AbortSignal.timeout(60_000),
      });
      if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${(await response.text()).slice(0, 500)}`);
      return response;
    };
    return {
      redis,
      postgres,
      main,
      mainUrl,
      workers,
      secrets: [connections.encryptionKey, postgres.password],
      logs: () => Promise.all(started.map(async (service) => ({ name: service.name, text: await service.log() }))),
      rest: async <T>(path: string) => ((await (await request(path)).json()) as { data: T }).data,
      restBytes: async (path: string) => new Uint8Array(await (await request(path)).arrayBuffer()),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function ownerSession(mainUrl: string): Promise<{ cookie: string; browserId: string }> {
  const browserId = randomBytes(12).toString('hex');
  const response = await fetch(`${mainUrl}/rest/owner/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'browser-id': browserId },
    body: JSON.stringify({
      email: 'owner@brushwork.test',
      firstName: 'Scale',
      lastName: 'Test',
      password: `A1-${randomBytes(12).toString('base64url')}`,
    }),
  });
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith('n8n-auth='));
  if (!response.ok || !cookie) throw new Error(`owner setup failed: ${response.status} ${await response.text()}`);
  return { cookie, browserId };
}

export interface ExecutionSummary {
  id: string;
  status: string;
  workflowId: string;
}

export interface NodeRun {
  data?: { main?: Array<Array<ExecutionItem> | null> };
  error?: { message: string };
}

export interface ExecutionItem {
  json: Record<string, unknown>;
  binary?: Record<string, { id?: string; data?: string; mimeType: string; fileName?: string; fileSize?: string }>;
  pairedItem?: { item: number } | Array<{ item: number }>;
}

export interface ExecutionDetail {
  id: string;
  status: string;
  runData: Record<string, NodeRun[]>;
}

/** Every execution of a workflow (newest first, as n8n lists them). */
export async function listExecutions(cluster: Cluster, workflowId: string): Promise<ExecutionSummary[]> {
  const filter = encodeURIComponent(JSON.stringify({ workflowId }));
  const page = await cluster.rest<{ results: ExecutionSummary[] }>(`/rest/executions?filter=${filter}&limit=500`);
  return page.results;
}

/** One execution with its run data (n8n serves it as flatted JSON). */
export async function getExecution(cluster: Cluster, id: string): Promise<ExecutionDetail> {
  const execution = await cluster.rest<{ id: string; status: string; data: string }>(`/rest/executions/${id}`);
  const data = parseFlatted(execution.data) as { resultData?: { runData?: Record<string, NodeRun[]> } };
  return { id: execution.id, status: execution.status, runData: data.resultData?.runData ?? {} };
}

/** A binary of an execution's item, downloaded from the main process (n8n reads it from the database). */
export function downloadBinary(cluster: Cluster, binaryId: string): Promise<Uint8Array> {
  return cluster.restBytes(`/rest/binary-data?id=${encodeURIComponent(binaryId)}&action=download`);
}

/** Execution ids a worker logged as started / finished ("Worker started execution 12 (job 12)"). */
export async function workerExecutions(worker: Worker): Promise<{ started: Set<string>; finished: Set<string> }> {
  const log = await worker.service.log();
  const ids = (pattern: RegExp) => new Set([...log.matchAll(pattern)].map((m) => m[1] ?? ''));
  return {
    started: ids(/Worker started execution (\d+)/g),
    finished: ids(/Worker finished execution (\d+)/g),
  };
}

/**
 * Executions the main process reports as lost with a dead worker: Bull found the job's lock expired
 * ("job stalled more than maxStalledCount (execution 12)"); n8n marks the execution failed.
 */
export async function stalledExecutions(cluster: Cluster): Promise<Set<string>> {
  const log = await cluster.main.log();
  return new Set(
    [...log.matchAll(/job stalled more than maxStalledCount \(execution (\d+)\)/g)].map((m) => m[1] ?? ''),
  );
}
