// The environment of n8n in queue mode, from one definition: docs/compose/n8n-queue.env holds what every
// process shares (docker compose reads it through env_file, this module reads it for `pnpm test:scale`),
// and the per-process keys below are the ones docs/compose/n8n-queue.yml sets for its services. The
// docs test (deploy-docs.test.ts) checks the Compose file and docs/deploy.md against both, so the suite
// and the documentation cannot drift apart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../n8n/runtime.ts';

export const QUEUE_ENV_FILE = join(REPO_ROOT, 'docs/compose/n8n-queue.env');
export const COMPOSE_FILE = join(REPO_ROOT, 'docs/compose/n8n-queue.yml');
export const DEPLOY_DOC = join(REPO_ROOT, 'docs/deploy.md');

/** KEY=value lines of an env file (docker compose's format: no quotes, `#` comments, blank lines). */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`not KEY=value: ${line}`);
    env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

/** What every n8n process of the deployment shares (docs/compose/n8n-queue.env). */
export function sharedQueueEnv(): Record<string, string> {
  return parseEnvFile(readFileSync(QUEUE_ENV_FILE, 'utf8'));
}

export interface Connections {
  redisHost: string;
  redisPort: number;
  postgresHost: string;
  postgresPort: number;
  postgresPassword: string;
  encryptionKey: string;
}

/** `n8n worker --concurrency`: n8n's minimum, so 20 simultaneous executions need both workers of the suite. */
export const WORKER_CONCURRENCY = 5;

/** Keys every n8n process sets itself (in the Compose file: each service's `environment`). */
export const CONNECTION_KEYS = [
  'QUEUE_BULL_REDIS_HOST',
  'QUEUE_BULL_REDIS_PORT',
  'DB_POSTGRESDB_HOST',
  'DB_POSTGRESDB_PORT',
  'DB_POSTGRESDB_PASSWORD',
  'N8N_ENCRYPTION_KEY',
] as const;
/** Keys only the main process sets. */
export const MAIN_KEYS = ['N8N_PORT', 'N8N_LISTEN_ADDRESS', 'N8N_WEBHOOK_URL'] as const;
/** Keys only a worker sets. */
export const WORKER_KEYS = ['QUEUE_HEALTH_CHECK_PORT', 'N8N_WORKER_SERVER_ADDRESS'] as const;

function connectionEnv(c: Connections): Record<(typeof CONNECTION_KEYS)[number], string> {
  return {
    QUEUE_BULL_REDIS_HOST: c.redisHost,
    QUEUE_BULL_REDIS_PORT: String(c.redisPort),
    DB_POSTGRESDB_HOST: c.postgresHost,
    DB_POSTGRESDB_PORT: String(c.postgresPort),
    DB_POSTGRESDB_PASSWORD: c.postgresPassword,
    N8N_ENCRYPTION_KEY: c.encryptionKey,
  };
}

/** `n8n start` (and the CLI commands run against the same database). */
export function mainEnv(c: Connections, port: number): Record<string, string> {
  const main: Record<(typeof MAIN_KEYS)[number], string> = {
    N8N_PORT: String(port),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
  };
  return { ...sharedQueueEnv(), ...connectionEnv(c), ...main };
}

/** `n8n worker`: its health server on `healthPort`, loopback only. */
export function workerEnv(c: Connections, healthPort: number): Record<string, string> {
  const worker: Record<(typeof WORKER_KEYS)[number], string> = {
    QUEUE_HEALTH_CHECK_PORT: String(healthPort),
    N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
  };
  return { ...sharedQueueEnv(), ...connectionEnv(c), ...worker };
}
