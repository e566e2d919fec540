/**
 * Configuration: a pure function of (environment, argv) → a typed config, a help text, or the list
 * of problems. Flags win over environment variables. Nothing here touches the disk or the network.
 */
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ProviderConfig } from '@brushwork/core';
import { parseSpendConfig, SPEND_VARIABLES, type SpendConfig } from './spend/config.js';

export type ProviderChoice = 'openai' | 'azure' | 'sandbox';

export interface HttpOptions {
  port: number;
  host: string;
  /** Bearer token every HTTP request must carry, when set. */
  token?: string;
  /** Extra Origin values accepted besides loopback origins. */
  allowedOrigins: string[];
  /** Extra Host values accepted besides the bound host and loopback names. */
  allowedHosts: string[];
  /** Sessions open at once; a new one takes the place of the oldest idle one. */
  maxSessions: number;
  /** Sessions one client address may hold; its own oldest idle one makes room. */
  maxSessionsPerClient: number;
  /** A session not used for this long is closed. */
  sessionIdleMs: number;
  /**
   * No sessions: every POST gets a fresh MCP server that ends with its answer, so any replica behind a
   * load balancer can serve any request (http-stateless.ts).
   */
  stateless: boolean;
}

/**
 * Azure without a key (Microsoft Entra ID): a bearer token the operator refreshes, or the
 * client-credentials flow (the client builds the token source: server.ts).
 */
export type AzureKeyless =
  | { kind: 'token'; token: string }
  | { kind: 'client-credentials'; tenantId: string; clientId: string; clientSecret: string; authorityHost: string };

export interface ServerConfig {
  provider: ProviderConfig;
  /** Azure with Entra ID instead of AZURE_OPENAI_API_KEY. */
  azureKeyless?: AzureKeyless;
  providerChoice: ProviderChoice;
  /** Why the sandbox runs (no key found), shown on stderr and in every result. */
  sandboxReason?: string;
  /** Default model (or, for Azure, the model behind the deployment). Undefined: the core's default. */
  model?: string;
  /** Absolute. */
  outputDir: string;
  /** Absolute directories edit_image may read input images from (the output dir is always allowed). */
  inputDirs: string[];
  /** Budget for the whole tool result's inline base64, in bytes. */
  maxInlineBytes: number;
  /** Largest saved image resources/read returns, in bytes. */
  maxResourceBytes: number;
  /** How long a finished task's result stays readable (tasks/get, tasks/result), in ms. */
  taskTtlMs: number;
  /** Spend caps, ledger and price overrides (BRUSHWORK_MAX_COST_PER_CALL_USD, BRUSHWORK_BUDGET_*, …). */
  spend: SpendConfig;
  /** Secrets to scrub from anything we print or return (belt and braces: the core never echoes them). */
  secrets: string[];
  transport: 'stdio' | 'http';
  http: HttpOptions;
}

export type ConfigOutcome =
  | { kind: 'config'; config: ServerConfig; notices: string[] }
  | { kind: 'help'; text: string }
  | { kind: 'version' }
  | { kind: 'error'; errors: string[] };

export const DEFAULT_MAX_INLINE_BYTES = 700_000;
/** Well under what clients take in one message (base64 adds a third: 20 MB → 27 MB of JSON). */
export const DEFAULT_MAX_RESOURCE_BYTES = 20_000_000;
export const DEFAULT_HTTP_MAX_SESSIONS = 64;
export const DEFAULT_HTTP_CLIENT_SESSIONS = 16;
export const DEFAULT_HTTP_IDLE_SECONDS = 300;
export const DEFAULT_TASK_TTL_MS = 60 * 60_000;
export const DEFAULT_HTTP_PORT = 3917;
export const DEFAULT_HTTP_HOST = '127.0.0.1';
export const DEFAULT_AZURE_API_VERSION = '2025-04-01-preview';
export const DEFAULT_AZURE_AUTHORITY_HOST = 'https://login.microsoftonline.com';
/** `--stateless` as an environment variable: 1 / true / yes, or 0 / false / no. */
export const STATELESS_ENV = 'BRUSHWORK_HTTP_STATELESS';

export interface ConfigContext {
  cwd: string;
  homedir: string;
  /** ':' on POSIX, ';' on Windows: separates BRUSHWORK_INPUT_DIRS entries. */
  pathDelimiter?: string;
}

/** One row per setting: the flag, its environment variable and the help line. */
const SETTINGS = [
  ['provider', 'BRUSHWORK_PROVIDER', 'openai | azure | sandbox (default: inferred from the keys that are set)'],
  ['model', 'BRUSHWORK_MODEL', 'default model, e.g. gpt-image-2 (Azure: the model behind the deployment)'],
  ['output-dir', 'BRUSHWORK_OUTPUT_DIR', 'where images are saved (default: ~/brushwork-images)'],
  ['input-dir', 'BRUSHWORK_INPUT_DIRS', 'extra directory edit_image may read from; repeatable (env: list)'],
  [
    'max-inline-bytes',
    'BRUSHWORK_MAX_INLINE_BYTES',
    'budget for inline previews per result (default 700000; 700k, 1m)',
  ],
  [
    'max-resource-bytes',
    'BRUSHWORK_MAX_RESOURCE_BYTES',
    `largest image resources/read returns (default ${DEFAULT_MAX_RESOURCE_BYTES}; 20m)`,
  ],
  ['task-ttl', 'BRUSHWORK_TASK_TTL', 'how long a finished task result is kept (default 1h; 90s, 30m, 2h)'],
  ['http-token', 'BRUSHWORK_HTTP_TOKEN', 'bearer token required by the HTTP transport (prefer the env var)'],
  ['allowed-origin', 'BRUSHWORK_ALLOWED_ORIGINS', 'extra Origin accepted over HTTP; repeatable (env: comma list)'],
  ['allowed-host', 'BRUSHWORK_ALLOWED_HOSTS', 'extra Host header accepted over HTTP; repeatable (env: comma list)'],
  [
    'http-max-sessions',
    'BRUSHWORK_HTTP_MAX_SESSIONS',
    `HTTP sessions open at once (default ${DEFAULT_HTTP_MAX_SESSIONS}); the oldest idle one makes room`,
  ],
  [
    'http-client-sessions',
    'BRUSHWORK_HTTP_CLIENT_SESSIONS',
    `HTTP sessions one client address may hold (default ${DEFAULT_HTTP_CLIENT_SESSIONS})`,
  ],
  [
    'http-idle-seconds',
    'BRUSHWORK_HTTP_IDLE_SECONDS',
    `close an HTTP session unused this long (default ${DEFAULT_HTTP_IDLE_SECONDS})`,
  ],
  ['openai-api-key', 'OPENAI_API_KEY', 'OpenAI API key (prefer the env var: flags show up in process lists)'],
  ['openai-base-url', 'OPENAI_BASE_URL', 'OpenAI-compatible base URL (default https://api.openai.com/v1)'],
  ['openai-org-id', 'OPENAI_ORG_ID', 'OpenAI organization id'],
  ['openai-project-id', 'OPENAI_PROJECT_ID', 'OpenAI project id'],
  ['azure-endpoint', 'AZURE_OPENAI_ENDPOINT', 'https://RESOURCE.openai.azure.com'],
  ['azure-api-key', 'AZURE_OPENAI_API_KEY', 'Azure OpenAI key (prefer the env var)'],
  ['azure-ad-token', 'AZURE_OPENAI_AD_TOKEN', 'Entra ID bearer token you refresh yourself, instead of a key'],
  ['azure-tenant-id', 'AZURE_TENANT_ID', 'Entra ID tenant (client credentials, with client id and secret)'],
  ['azure-client-id', 'AZURE_CLIENT_ID', 'Entra ID application (client) id'],
  ['azure-client-secret', 'AZURE_CLIENT_SECRET', 'Entra ID client secret (prefer the env var)'],
  ['azure-authority-host', 'AZURE_AUTHORITY_HOST', `Entra ID authority (default ${DEFAULT_AZURE_AUTHORITY_HOST})`],
  ['azure-api-version', 'AZURE_OPENAI_API_VERSION', `deployment API version (default ${DEFAULT_AZURE_API_VERSION})`],
  ['azure-deployment', 'AZURE_OPENAI_DEPLOYMENT', 'deployment name (absent: the v1 API with the model as deployment)'],
] as const;

type SettingFlag = (typeof SETTINGS)[number][0];

const MULTI_FLAGS = new Set<SettingFlag>(['input-dir', 'allowed-origin', 'allowed-host']);

export function helpText(): string {
  const lines = [
    'brushwork-mcp: an MCP server that generates and edits images (OpenAI, Azure OpenAI, or an offline sandbox).',
    '',
    'Usage: brushwork-mcp [options]            stdio transport (what MCP clients launch)',
    '       brushwork-mcp --http [--port N] [--host H]   Streamable HTTP on http://H:N/mcp',
    '',
    'Options (each also read from the environment variable shown; flags win):',
  ];
  for (const [flag, env, help] of SETTINGS) lines.push(`  --${flag.padEnd(20)} ${env.padEnd(30)} ${help}`);
  lines.push(
    `  --http                                              serve Streamable HTTP instead of stdio`,
    `  --port N                                            HTTP port (default ${DEFAULT_HTTP_PORT})`,
    `  --host H                                            HTTP bind address (default ${DEFAULT_HTTP_HOST})`,
    `  --${'stateless'.padEnd(20)} ${STATELESS_ENV.padEnd(30)} HTTP without sessions, for replicas behind a load balancer`,
    '  --help, --version',
    '',
    'Cost control (environment only; every call is logged to brushwork-ledger.jsonl in the output directory):',
    ...SPEND_VARIABLES.map(([env, help]) => `  ${env.padEnd(53)} ${help}`),
    '',
    'With no API key at all the server runs the offline sandbox (placeholder images, no network).',
  );
  return lines.join('\n');
}

/** The flags parsed, with accessors that fall back to the environment (flags win). */
interface SettingsReader {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  /** One setting, trimmed; undefined when empty. */
  single(flag: SettingFlag): string | undefined;
  /** A repeatable setting: the flags, else the environment variable split by `separator`. */
  list(flag: SettingFlag, separator: string | RegExp): string[];
}

function envName(flag: SettingFlag): string {
  return SETTINGS.find(([f]) => f === flag)![1];
}

/** argv parsed (or the parse error), read together with the environment. */
function readSettings(
  env: Record<string, string | undefined>,
  argv: readonly string[],
): SettingsReader | { error: string } {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
    http: { type: 'boolean' },
    port: { type: 'string' },
    host: { type: 'string' },
    stateless: { type: 'boolean' },
  };
  for (const [flag] of SETTINGS) options[flag] = { type: 'string', multiple: MULTI_FLAGS.has(flag) };
  let values: SettingsReader['values'];
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // parseArgs messages name the flag and never echo a value.
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { error: `${message} (see --help)` };
  }
  return {
    values,
    single: (flag) => {
      const fromFlag = values[flag];
      const raw = typeof fromFlag === 'string' ? fromFlag : env[envName(flag)];
      const trimmed = raw?.trim();
      return trimmed ? trimmed : undefined;
    },
    list: (flag, separator) => {
      const fromFlag = values[flag];
      if (Array.isArray(fromFlag) && fromFlag.length > 0) return fromFlag.map(String).filter((v) => v.trim() !== '');
      const raw = env[envName(flag)];
      return raw
        ? raw
            .split(separator)
            .map((v) => v.trim())
            .filter((v) => v !== '')
        : [];
    },
  };
}

/** The provider asked for, else inferred from the keys that are set; the sandbox says why it runs. */
function chooseProvider(
  settings: SettingsReader,
  errors: string[],
): { choice: ProviderChoice; sandboxReason?: string } {
  const requested = settings.single('provider')?.toLowerCase();
  if (requested !== undefined && requested !== 'openai' && requested !== 'azure' && requested !== 'sandbox') {
    errors.push(`BRUSHWORK_PROVIDER / --provider must be one of openai, azure, sandbox (got "${requested}")`);
    return { choice: 'sandbox', sandboxReason: SANDBOX_REQUESTED };
  }
  if (requested) {
    const choice = requested as ProviderChoice;
    return choice === 'sandbox' ? { choice, sandboxReason: SANDBOX_REQUESTED } : { choice };
  }
  if (settings.single('azure-endpoint') || settings.single('azure-api-key') || settings.single('azure-ad-token'))
    return { choice: 'azure' };
  if (settings.single('openai-api-key')) return { choice: 'openai' };
  return {
    choice: 'sandbox',
    sandboxReason:
      'No API key found (OPENAI_API_KEY or AZURE_OPENAI_ENDPOINT + AZURE_OPENAI_API_KEY): running the offline sandbox, which draws placeholder images and calls no API.',
  };
}

const SANDBOX_REQUESTED = 'BRUSHWORK_PROVIDER=sandbox: running the offline sandbox, which draws placeholder images.';

function openaiConfig(settings: SettingsReader, errors: string[]): ProviderConfig {
  const apiKey = settings.single('openai-api-key');
  const baseUrl = settings.single('openai-base-url');
  if (!apiKey) errors.push('OPENAI_API_KEY is required when BRUSHWORK_PROVIDER is openai');
  if (baseUrl) checkUrl('OPENAI_BASE_URL', baseUrl, errors);
  const organization = settings.single('openai-org-id');
  const project = settings.single('openai-project-id');
  return {
    kind: 'openai',
    apiKey: apiKey ?? '',
    ...(baseUrl ? { baseUrl: baseUrl.replace(/\/+$/, '') } : {}),
    ...(organization ? { organization } : {}),
    ...(project ? { project } : {}),
  };
}

const CLIENT_CREDENTIALS = ['azure-tenant-id', 'azure-client-id', 'azure-client-secret'] as const;
const AZURE_AUTH_CHOICES =
  'AZURE_OPENAI_API_KEY, or AZURE_OPENAI_AD_TOKEN, or AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET (Entra ID)';

/** How Azure authenticates: exactly one of a key, a bearer token, or the three client-credentials settings. */
function azureAuth(settings: SettingsReader, errors: string[]): AzureKeyless | undefined {
  const apiKey = settings.single('azure-api-key');
  const token = settings.single('azure-ad-token');
  const given = CLIENT_CREDENTIALS.filter((flag) => settings.single(flag));
  const authorityHost = settings.single('azure-authority-host');
  const ways = [apiKey, token, given.length > 0 ? 'client credentials' : undefined].filter(Boolean).length;
  if (ways === 0) errors.push(`Azure needs ${AZURE_AUTH_CHOICES}`);
  if (ways > 1) errors.push(`Azure takes one way to authenticate: set only one of ${AZURE_AUTH_CHOICES}`);
  if (given.length > 0 && given.length < CLIENT_CREDENTIALS.length) {
    const missing = CLIENT_CREDENTIALS.filter((flag) => !given.includes(flag)).map(envName);
    errors.push(
      `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} required with ${given.map(envName).join(' and ')} (Entra ID client credentials)`,
    );
  }
  if (authorityHost) {
    if (given.length === 0)
      errors.push('AZURE_AUTHORITY_HOST only applies with AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET');
    checkUrl('AZURE_AUTHORITY_HOST', authorityHost, errors);
  }
  if (ways !== 1) return undefined;
  if (token) return { kind: 'token', token };
  if (given.length !== CLIENT_CREDENTIALS.length) return undefined;
  return {
    kind: 'client-credentials',
    tenantId: settings.single('azure-tenant-id') ?? '',
    clientId: settings.single('azure-client-id') ?? '',
    clientSecret: settings.single('azure-client-secret') ?? '',
    authorityHost: (authorityHost ?? DEFAULT_AZURE_AUTHORITY_HOST).replace(/\/+$/, ''),
  };
}

function azureConfig(settings: SettingsReader, errors: string[]): ProviderConfig {
  const endpoint = settings.single('azure-endpoint');
  const apiKey = settings.single('azure-api-key');
  const deployment = settings.single('azure-deployment');
  const apiVersion = settings.single('azure-api-version');
  if (!endpoint) errors.push('AZURE_OPENAI_ENDPOINT is required for Azure (e.g. https://RESOURCE.openai.azure.com)');
  else checkUrl('AZURE_OPENAI_ENDPOINT', endpoint, errors);
  if (!deployment && !settings.single('model')) {
    errors.push('Azure needs AZURE_OPENAI_DEPLOYMENT (or BRUSHWORK_MODEL naming the deployment for the v1 API)');
  }
  return {
    kind: 'azure',
    endpoint: (endpoint ?? '').replace(/\/+$/, ''),
    ...(apiKey ? { apiKey } : {}),
    ...(deployment
      ? { api: 'deployment' as const, deployment, apiVersion: apiVersion ?? DEFAULT_AZURE_API_VERSION }
      : { api: 'v1' as const, ...(apiVersion ? { apiVersion } : {}) }),
  };
}

function providerConfig(choice: ProviderChoice, settings: SettingsReader, errors: string[]): ProviderConfig {
  if (choice === 'openai') return openaiConfig(settings, errors);
  if (choice === 'azure') return azureConfig(settings, errors);
  return { kind: 'sandbox' };
}

/** A setting that must be a count (bytes: 700k, 1m; or a whole number above 0). */
function count(
  settings: SettingsReader,
  flag: SettingFlag,
  fallback: number,
  bytes: boolean,
  errors: string[],
): number {
  const raw = settings.single(flag);
  if (raw === undefined) return fallback;
  const parsed = bytes ? parseByteSize(raw) : /^\d+$/.test(raw) ? Number(raw) : undefined;
  if (parsed !== undefined && (bytes || (parsed > 0 && Number.isSafeInteger(parsed)))) return parsed;
  errors.push(
    `${envName(flag)} / --${flag} must be ${bytes ? 'a byte count such as 700000, 700k or 1m' : 'a whole number above 0'} (got "${raw}")`,
  );
  return fallback;
}

/** How long a finished task's result is kept. */
function taskTtl(settings: SettingsReader, errors: string[]): number {
  const ttl = settings.single('task-ttl');
  if (ttl === undefined) return DEFAULT_TASK_TTL_MS;
  const parsed = parseDuration(ttl);
  if (parsed !== undefined && parsed > 0) return parsed;
  errors.push(`BRUSHWORK_TASK_TTL / --task-ttl must be a duration such as 90s, 30m or 2h (got "${ttl}")`);
  return DEFAULT_TASK_TTL_MS;
}

/** stdio or HTTP, and the HTTP options (port, host, token, allowed origins and hosts). */
function transportOptions(
  settings: SettingsReader,
  env: Record<string, string | undefined>,
  errors: string[],
  notices: string[],
): { transport: 'stdio' | 'http'; http: HttpOptions } {
  const { values } = settings;
  const portRaw = typeof values.port === 'string' ? values.port : undefined;
  const hostRaw = typeof values.host === 'string' ? values.host.trim() : undefined;
  let port = DEFAULT_HTTP_PORT;
  if (portRaw !== undefined) {
    const parsed = Number(portRaw);
    if (!/^\d+$/.test(portRaw.trim()) || parsed > 65535) errors.push(`--port must be 0-65535 (got "${portRaw}")`);
    else port = parsed;
  }
  const transport = values.http === true ? 'http' : 'stdio';
  if (transport === 'stdio' && (portRaw !== undefined || hostRaw !== undefined)) {
    errors.push('--port and --host only apply with --http');
  }
  if (hostRaw !== undefined && hostRaw === '') errors.push('--host must not be empty');
  const stateless = values.stateless === true || switchOn(env[STATELESS_ENV], STATELESS_ENV, errors);
  if (transport === 'stdio' && values.stateless === true) errors.push('--stateless only applies with --http');
  const host = hostRaw || DEFAULT_HTTP_HOST;
  const token = settings.single('http-token');
  if (transport === 'http' && !token) {
    notices.push(
      isLoopback(host)
        ? `HTTP without BRUSHWORK_HTTP_TOKEN: any process on this machine can call the tools (spending your image quota) and read the saved images. Set BRUSHWORK_HTTP_TOKEN to require "Authorization: Bearer <token>".`
        : `Warning: serving HTTP on ${host} without BRUSHWORK_HTTP_TOKEN: anyone who can reach this port can spend your image quota and read the saved images.`,
    );
  }
  return {
    transport,
    http: {
      port,
      host,
      ...(token ? { token } : {}),
      allowedOrigins: settings.list('allowed-origin', ','),
      allowedHosts: settings.list('allowed-host', ','),
      maxSessions: count(settings, 'http-max-sessions', DEFAULT_HTTP_MAX_SESSIONS, false, errors),
      maxSessionsPerClient: count(settings, 'http-client-sessions', DEFAULT_HTTP_CLIENT_SESSIONS, false, errors),
      sessionIdleMs: count(settings, 'http-idle-seconds', DEFAULT_HTTP_IDLE_SECONDS, false, errors) * 1000,
      stateless,
    },
  };
}

export function parseConfig(
  env: Record<string, string | undefined>,
  argv: readonly string[],
  context: ConfigContext,
): ConfigOutcome {
  const settings = readSettings(env, argv);
  if ('error' in settings) return { kind: 'error', errors: [settings.error] };
  if (settings.values.help === true) return { kind: 'help', text: helpText() };
  if (settings.values.version === true) return { kind: 'version' };

  const errors: string[] = [];
  const notices: string[] = [];
  const delimiter = context.pathDelimiter ?? (process.platform === 'win32' ? ';' : ':');
  const model = settings.single('model');
  const { choice, sandboxReason } = chooseProvider(settings, errors);
  const provider = providerConfig(choice, settings, errors);
  const azureKeyless = choice === 'azure' ? azureAuth(settings, errors) : undefined;
  const outputDir = absolute(settings.single('output-dir') ?? resolve(context.homedir, 'brushwork-images'), context);
  const inputDirs = settings.list('input-dir', delimiter).map((dir) => absolute(dir, context));
  const maxInlineBytes = count(settings, 'max-inline-bytes', DEFAULT_MAX_INLINE_BYTES, true, errors);
  const maxResourceBytes = count(settings, 'max-resource-bytes', DEFAULT_MAX_RESOURCE_BYTES, true, errors);
  const taskTtlMs = taskTtl(settings, errors);
  const { transport, http } = transportOptions(settings, env, errors, notices);

  const spend = parseSpendConfig(env, context.cwd);
  if (!spend.ok) errors.push(...spend.errors);

  if (errors.length > 0 || !spend.ok) return { kind: 'error', errors };
  if (sandboxReason) notices.push(sandboxReason);

  const secrets = [
    settings.single('openai-api-key'),
    settings.single('azure-api-key'),
    settings.single('azure-ad-token'),
    settings.single('azure-client-secret'),
    http.token,
  ].filter((s): s is string => typeof s === 'string' && s.length >= 4);
  return {
    kind: 'config',
    notices,
    config: {
      provider,
      ...(azureKeyless ? { azureKeyless } : {}),
      providerChoice: choice,
      ...(sandboxReason ? { sandboxReason } : {}),
      ...(model ? { model } : {}),
      outputDir,
      inputDirs,
      maxInlineBytes,
      maxResourceBytes,
      taskTtlMs,
      spend: spend.config,
      secrets,
      transport,
      http,
    },
  };
}

function absolute(path: string, context: ConfigContext): string {
  const expanded = path === '~' || path.startsWith('~/') ? resolve(context.homedir, path.slice(2)) : path;
  return isAbsolute(expanded) ? resolve(expanded) : resolve(context.cwd, expanded);
}

function checkUrl(name: string, value: string, errors: string[]): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    errors.push(`${name} must be a URL such as https://example.com (got "${value}")`);
    return;
  }
  const local = isLoopback(url.hostname.replace(/^\[|\]$/g, ''));
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    errors.push(`${name} must use https (plain http only for localhost) (got "${url.protocol}//${url.host}")`);
  }
  if (url.username || url.password) errors.push(`${name} must not contain credentials`);
}

/** An on/off environment variable: 1, true, yes / 0, false, no (any case); unset or empty is off. */
function switchOn(raw: string | undefined, name: string, errors: string[]): boolean {
  const value = raw?.trim().toLowerCase() ?? '';
  if (value === '' || value === '0' || value === 'false' || value === 'no') return false;
  if (value === '1' || value === 'true' || value === 'yes') return true;
  errors.push(`${name} must be 1 or 0 (got "${raw}")`);
  return false;
}

/** 700000, 700k, 700kb, 1m, 1mb (decimal: k = 1000). Undefined when not a byte count. */
export function parseByteSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(k|kb|m|mb|b)?$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = unit.startsWith('k') ? 1000 : unit.startsWith('m') ? 1_000_000 : 1;
  const value = Math.floor(Number(match[1]) * factor);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** 90 (seconds), 90s, 30m, 2h → milliseconds. Undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*(s|m|h)?$/i.exec(text.trim());
  if (!match) return undefined;
  const factor = { s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's').toLowerCase() as 's' | 'm' | 'h'];
  const value = Number(match[1]) * factor;
  return Number.isSafeInteger(value) ? value : undefined;
}

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || h === '[::1]' || /^127(\.\d{1,3}){3}$/.test(h);
}
