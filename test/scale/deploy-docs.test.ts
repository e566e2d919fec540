// The queue-mode deployment in the docs is the one `pnpm test:scale` runs: docs/compose/n8n-queue.yml
// reads the shared settings from n8n-queue.env (which the suite reads too), each n8n service sets exactly
// the per-process keys the suite sets, and docs/deploy.md shows the env file as it is. Runs in `npm test`
// (no services needed) and in `pnpm test:scale`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_N8N_VERSION } from '../n8n/runtime.ts';
import {
  COMPOSE_FILE,
  CONNECTION_KEYS,
  type Connections,
  DEPLOY_DOC,
  MAIN_KEYS,
  mainEnv,
  QUEUE_ENV_FILE,
  sharedQueueEnv,
  WORKER_CONCURRENCY,
  WORKER_KEYS,
  workerEnv,
} from './queue-env.ts';

interface ComposeService {
  image?: string;
  command?: string;
  env_file?: string | string[];
  environment?: Record<string, string>;
  volumes?: string[];
}

const compose = parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;
const n8nServices = Object.entries(services).filter(([name]) => name.startsWith('n8n-'));
const shared = sharedQueueEnv();
const connections: Connections = {
  redisHost: 'redis',
  redisPort: 6379,
  postgresHost: 'postgres',
  postgresPort: 5432,
  postgresPassword: 'x',
  encryptionKey: 'y',
};

describe('docs/compose/n8n-queue.yml and docs/deploy.md match what pnpm test:scale runs', () => {
  it('the shared settings are queue mode with binary data in the database', () => {
    expect(shared).toMatchObject({
      EXECUTIONS_MODE: 'queue',
      N8N_DEFAULT_BINARY_DATA_MODE: 'database',
      DB_TYPE: 'postgresdb',
    });
  });

  it('has a main process and two workers, on the n8n version the suite runs, reading the shared env file', () => {
    expect(n8nServices.map(([name]) => name).sort()).toEqual(['n8n-main', 'n8n-worker-a', 'n8n-worker-b']);
    for (const [name, service] of n8nServices) {
      expect(service.image, name).toBe(`docker.n8n.io/n8nio/n8n:${DEFAULT_N8N_VERSION}`);
      expect([service.env_file].flat(), name).toEqual(['n8n-queue.env']);
      // The shared file governs: no service overrides one of its settings.
      for (const key of Object.keys(service.environment ?? {}))
        expect(shared, `${name}: ${key}`).not.toHaveProperty(key);
      // The community package folder n8n scans, as the suite installs it in each process's user folder.
      expect(service.volumes, name).toContain('brushwork_nodes:/home/node/.n8n/nodes');
    }
  });

  it('each n8n service sets exactly the per-process keys the suite sets', () => {
    const main = services['n8n-main'];
    expect(main?.command).toBe('start');
    expect(Object.keys(main?.environment ?? {}).sort()).toEqual([...CONNECTION_KEYS, ...MAIN_KEYS].sort());
    const suiteMain = mainEnv(connections, 5678);
    expect(Object.keys(suiteMain).sort()).toEqual([...Object.keys(shared), ...CONNECTION_KEYS, ...MAIN_KEYS].sort());
    for (const name of ['n8n-worker-a', 'n8n-worker-b']) {
      const worker = services[name];
      expect(worker?.command, name).toBe(`worker --concurrency=${WORKER_CONCURRENCY}`);
      expect(Object.keys(worker?.environment ?? {}).sort(), name).toEqual([...CONNECTION_KEYS, ...WORKER_KEYS].sort());
    }
    const suiteWorker = workerEnv(connections, 5680);
    expect(Object.keys(suiteWorker).sort()).toEqual(
      [...Object.keys(shared), ...CONNECTION_KEYS, ...WORKER_KEYS].sort(),
    );
    // Same connection values as the suite would set for these hosts and ports.
    for (const key of ['QUEUE_BULL_REDIS_HOST', 'QUEUE_BULL_REDIS_PORT', 'DB_POSTGRESDB_HOST', 'DB_POSTGRESDB_PORT']) {
      expect(main?.environment?.[key], key).toBe(suiteMain[key]);
    }
  });

  it('PostgreSQL gets the database and user of the shared settings', () => {
    expect(services.postgres?.environment).toMatchObject({
      POSTGRES_DB: shared.DB_POSTGRESDB_DATABASE,
      POSTGRES_USER: shared.DB_POSTGRESDB_USER,
    });
  });

  it('docs/deploy.md shows the env file as it is and names every per-process key', () => {
    const doc = readFileSync(DEPLOY_DOC, 'utf8');
    expect(doc).toContain(readFileSync(QUEUE_ENV_FILE, 'utf8').trim());
    for (const key of [...CONNECTION_KEYS, ...MAIN_KEYS, ...WORKER_KEYS]) expect(doc).toContain(`\`${key}\``);
    expect(doc).toContain('compose/n8n-queue.yml');
  });
});
