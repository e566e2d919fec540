// The fake upstream: an HTTP server on 127.0.0.1 that speaks the OpenAI Images API and Azure OpenAI
// (deployment, v1 and legacy asynchronous DALL-E 2 routes), enforces its own rule table, serves
// expiring URL results and injects faults on demand. Independent of @brushwork/core by design.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createEntraBook, DEFAULT_ENTRA, type EntraSettings, matchTokenPath } from './entra.ts';
import { createFaultBook, type FaultSpec, type RouteName } from './faults.ts';
import { type ImageKind, promptVariant, type RenderedImage, renderImage } from './images.ts';
import { boundaryOf, type FormPart, MultipartError, parseMultipart } from './multipart.ts';
import { signC2pa } from './provenance.ts';
import {
  type AcceptedRequest,
  checkEditImages,
  checkImageRequest,
  defaultModelFor,
  type Fields,
  isRuleViolation,
  type RuleViolation,
  type UploadedImage,
} from './rules.ts';
import { type InputImageInfo, uploadDimensions, usageOf } from './usage.ts';
import {
  azureError,
  blobError,
  concatBody,
  imageSlot,
  jsonWithImages,
  contentFilterResults,
  html502,
  json,
  maskKey,
  openaiError,
  type Provider,
  promptFilterResults,
  type Reply,
  requestIdHeaders,
} from './wire.ts';

export type { FaultKind, FaultSpec, RouteName } from './faults.ts';
export { FAULT_KINDS, ROUTES } from './faults.ts';
export type { ImageKind } from './images.ts';

export const DEFAULT_MODELS: readonly string[] = [
  'dall-e-2',
  'dall-e-3',
  'gpt-image-1.5',
  'gpt-image-1-mini',
  'gpt-image-2',
  'gpt-image-2-2026-04-21',
  'gpt-image-2.6-flare',
  'gpt-4o',
  'gpt-4o-mini',
  'text-embedding-3-small',
  'whisper-1',
];

export const DEFAULT_AZURE_DEPLOYMENTS: Readonly<Record<string, string>> = {
  'dall-e-3': 'dall-e-3',
  dalle3: 'dall-e-3',
  'gpt-image-1.5': 'gpt-image-1.5',
  'gpt-image-2': 'gpt-image-2',
  'gpt-image-2.6-flare': 'gpt-image-2.6-flare',
  images: 'gpt-image-2',
};

export type SafetyShape = 'inner_error' | 'innererror' | 'contentFilter';

/** Settings that can also be changed while running (configure(), POST /__control/config). */
export interface FakeUpstreamConfig {
  /** 'solid' (few kB, default) or 'photo' (incompressible: 1024x1024 PNG ≈ 3.1 MB) */
  imageKind: ImageKind;
  /** lifetime of URL results (default 60 minutes) */
  urlTtlMs: number;
  /** a prompt containing this word (case-insensitive) is refused by the safety system (default "forbidden") */
  triggerWord: string;
  /** accepted keys: a list, or a predicate (default: any key starting with "sk-test") */
  validKeys: readonly string[] | ((key: string) => boolean);
  /** OpenAI routes without a key are accepted when false (OpenAI-compatible hosts). Default true. */
  requireAuth: boolean;
  /** model ids (exact) answered with 404 model_not_found "has been deprecated". Default ['gpt-image-1']. */
  retiredModels: readonly string[];
  /** listed by GET /v1/models */
  models: readonly string[];
  /** Azure deployment name → model id */
  azureDeployments: Readonly<Record<string, string>>;
  /** `model` in the body on an Azure deployment URL: 'reject' (400, default) or 'ignore' */
  azureModelInBody: 'reject' | 'ignore';
  /** Azure safety refusal shape: code content_policy_violation with inner_error (default) or innererror, or code contentFilter */
  azureSafetyShape: SafetyShape;
  /** legacy async DALL-E 2: polls answered notRunning/running before the final state (default 2) */
  legacyPolls: number;
  /** legacy async DALL-E 2: retry-after (seconds) on submit and unfinished polls (default 1) */
  legacyRetryAfterSeconds: number;
  /** final images carry C2PA content credentials (PNG caBX, JPEG APP11 JUMBF, WebP C2PA chunk); default false */
  c2pa: boolean;
  /** Entra ID: the tenant, application and secret the token endpoint accepts, token lifetime and prefix */
  entra: EntraSettings;
}

export interface RateLimitSettings {
  imagesPerMinute: number;
  /** send Retry-After (seconds, rounded up) with the 429 */
  retryAfter: boolean;
  /** also send retry-after-ms */
  retryAfterMs?: boolean;
  /** window length (default 60 000 ms); shorten it to test pacing quickly */
  windowMs?: number;
}

export interface FakeUpstreamOptions extends Partial<FakeUpstreamConfig> {
  host?: string;
  /** default 0 (any free port) */
  port?: number;
  /** seed of the RNG behind probabilistic faults (default 1) */
  seed?: number;
  /** latency before every answer (default 0) */
  latencyMs?: number;
  rateLimit?: RateLimitSettings;
  /** the clock (URL expiry, rate-limit window, created); default Date.now */
  now?: () => number;
  /** serve /__control endpoints (default true) */
  control?: boolean;
  /** request bodies above this are answered 413 (default 256 MiB) */
  maxBodyBytes?: number;
}

export interface LoggedFile {
  field: string;
  filename: string | undefined;
  contentType: string | undefined;
  bytes: number;
}

export interface RequestLogEntry {
  seq: number;
  /** ms since epoch (the server's clock) when the request arrived */
  time: number;
  method: string;
  path: string;
  query: Record<string, string>;
  route: RouteName | undefined;
  /** request headers; authorization / api-key (and the like) are "REDACTED" */
  headers: Record<string, string>;
  /** which credential the request carried */
  auth: 'bearer' | 'api-key' | 'none';
  /** whether the credential was accepted (undefined on routes without auth) */
  authValid: boolean | undefined;
  /** JSON body, or the text fields of a multipart body (never image bytes) */
  body: Record<string, unknown> | undefined;
  /** multipart file parts: metadata only */
  files: LoggedFile[] | undefined;
  /** the body could not be parsed */
  bodyError: string | undefined;
  /** status answered; undefined for reset / hang / still running */
  status: number | undefined;
  /** the injected fault applied to this request, if any */
  fault: FaultSpec['kind'] | undefined;
  /** set when the request was turned away by the rate-limit mode */
  rateLimited: boolean;
  /** number of images served (0 when refused) */
  images: number;
  /**
   * the connection closed before the whole answer was written: the client gave up (an aborted call),
   * or a reset / truncated fault cut it (a hung request stays false until its client goes away)
   */
  closedBeforeAnswer: boolean;
}

export interface FakeUpstream {
  /** http://127.0.0.1:PORT */
  url: string;
  /** `${url}/v1` */
  openaiBaseUrl: string;
  /** Azure endpoint (= url) */
  azureEndpoint: string;
  port: number;
  /** live array: cleared in place by clearLog()/reset() */
  log: RequestLogEntry[];
  clearLog(): void;
  inject(fault: FaultSpec | FaultSpec[]): void;
  clearFaults(): void;
  pendingFaults(): Array<FaultSpec & { remaining: number | null }>;
  setLatency(ms: number): void;
  setRateLimit(settings: RateLimitSettings | undefined): void;
  configure(config: Partial<FakeUpstreamConfig>): void;
  readonly config: Readonly<FakeUpstreamConfig>;
  /** every Entra token issued so far is expired from now on: the next Azure call with one gets 401 */
  expireTokens(): void;
  /** Entra tokens issued so far */
  tokensIssued(): number;
  /** log, faults (RNG reseeded), latency, rate limit, files, operations and config back to the start options */
  reset(): void;
  /** stops listening and ends every open connection, hung ones included */
  close(): Promise<void>;
}

const REDACTED_HEADERS = new Set([
  'authorization',
  'api-key',
  'x-api-key',
  'proxy-authorization',
  'ocp-apim-subscription-key',
  'cookie',
]);
const DAY = 24 * 60 * 60 * 1000;

interface Route {
  name: RouteName;
  provider: Provider;
  params: Record<string, string>;
}

function matchRoute(method: string, path: string): Route | undefined {
  const is = (m: string) => method === m;
  if (path === '/v1/images/generations' && is('POST'))
    return { name: 'openai.generations', provider: 'openai', params: {} };
  if (path === '/v1/images/edits' && is('POST')) return { name: 'openai.edits', provider: 'openai', params: {} };
  if (path === '/v1/models' && is('GET')) return { name: 'openai.models', provider: 'openai', params: {} };
  if (path === '/openai/v1/images/generations' && is('POST'))
    return { name: 'azure.v1.generations', provider: 'azure', params: {} };
  if (path === '/openai/v1/images/edits' && is('POST'))
    return { name: 'azure.v1.edits', provider: 'azure', params: {} };
  if (path === '/openai/v1/models' && is('GET')) return { name: 'azure.v1.models', provider: 'azure', params: {} };
  if (path === '/openai/images/generations:submit' && is('POST'))
    return { name: 'azure.legacy.submit', provider: 'azure', params: {} };
  let m = /^\/openai\/deployments\/([^/]+)\/images\/(generations|edits)$/.exec(path);
  if (m && is('POST'))
    return {
      name: m[2] === 'edits' ? 'azure.edits' : 'azure.generations',
      provider: 'azure',
      params: { deployment: decodeURIComponent(m[1]!) },
    };
  m = /^\/openai\/operations\/images\/([^/]+)$/.exec(path);
  if (m && is('GET')) return { name: 'azure.legacy.poll', provider: 'azure', params: { id: m[1]! } };
  const tenant = matchTokenPath(path);
  if (tenant !== undefined && is('POST')) return { name: 'entra.token', provider: 'azure', params: { tenant } };
  m = /^\/files\/([A-Za-z0-9_-]+)\.(png|jpeg|jpg|webp)$/.exec(path);
  if (m && (is('GET') || is('HEAD'))) return { name: 'files', provider: 'azure', params: { id: m[1]! } };
  return undefined;
}

/** yyyy-mm-dd part of an Azure api-version, or undefined when it is not a dated version. */
function versionDate(version: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})(-preview)?$/.exec(version);
  return m ? m[1] : undefined;
}

interface StoredFile {
  image: RenderedImage;
  expiresAt: number;
}

interface Operation {
  id: string;
  created: number;
  pollsLeft: number;
  seen: number;
  outcome: 'succeeded' | 'failed' | 'canceled';
  reason: 'safety' | 'fault' | undefined;
  accepted: AcceptedRequest;
  result: unknown;
}

function defaultKeyCheck(key: string): boolean {
  return key.startsWith('sk-test');
}

function isValidKey(config: FakeUpstreamConfig, key: string): boolean {
  const valid = config.validKeys;
  return typeof valid === 'function' ? valid(key) : valid.includes(key);
}

function initialConfig(options: FakeUpstreamOptions): FakeUpstreamConfig {
  return {
    imageKind: options.imageKind ?? 'solid',
    urlTtlMs: options.urlTtlMs ?? 60 * 60 * 1000,
    triggerWord: options.triggerWord ?? 'forbidden',
    validKeys: options.validKeys ?? defaultKeyCheck,
    requireAuth: options.requireAuth ?? true,
    retiredModels: options.retiredModels ?? ['gpt-image-1'],
    models: options.models ?? DEFAULT_MODELS,
    azureDeployments: options.azureDeployments ?? DEFAULT_AZURE_DEPLOYMENTS,
    azureModelInBody: options.azureModelInBody ?? 'reject',
    azureSafetyShape: options.azureSafetyShape ?? 'inner_error',
    legacyPolls: options.legacyPolls ?? 2,
    legacyRetryAfterSeconds: options.legacyRetryAfterSeconds ?? 1,
    c2pa: options.c2pa ?? false,
    entra: { ...DEFAULT_ENTRA, ...options.entra },
  };
}

function redactHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name] = REDACTED_HEADERS.has(name) ? 'REDACTED' : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? 'too_large' : Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('request aborted')));
  });
}

/** Long strings inside JSON image references (data URLs) are not worth logging. */
function loggable(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = (k === 'images' || k === 'mask') && JSON.stringify(v ?? null).length > 2048 ? '[image references]' : v;
  }
  return out;
}

/** The token endpoint's form body as logged: the client secret never kept. */
function tokenFormLog(raw: Buffer): ParsedBody {
  const fields: Fields = {};
  for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) fields[k] = k === 'client_secret' ? 'REDACTED' : v;
  return { fields, files: [], error: undefined, form: true };
}

interface ParsedBody {
  fields: Fields | undefined;
  files: FormPart[];
  error: string | undefined;
  form: boolean;
}

function parseBody(req: IncomingMessage, raw: Buffer): ParsedBody {
  const contentType = req.headers['content-type'];
  const boundary = boundaryOf(contentType);
  if (boundary) {
    try {
      const parts = parseMultipart(raw, boundary);
      const fields: Fields = {};
      const files: FormPart[] = [];
      for (const part of parts) {
        if (part.filename !== undefined || ['image', 'image[]', 'mask'].includes(part.name)) files.push(part);
        else fields[part.name] = part.data.toString('utf8');
      }
      return { fields, files, error: undefined, form: true };
    } catch (error) {
      return {
        fields: undefined,
        files: [],
        error: error instanceof MultipartError ? error.message : 'bad multipart body',
        form: true,
      };
    }
  }
  if (raw.length === 0) return { fields: undefined, files: [], error: 'empty body', form: false };
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return { fields: undefined, files: [], error: 'JSON body is not an object', form: false };
    return { fields: value as Fields, files: [], error: undefined, form: false };
  } catch {
    return { fields: undefined, files: [], error: 'invalid JSON', form: false };
  }
}

export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const now = options.now ?? Date.now;
  const seed = options.seed ?? 1;
  const maxBody = options.maxBodyBytes ?? 256 * 1024 * 1024;
  const controlEnabled = options.control ?? true;
  let config = initialConfig(options);
  let latencyMs = options.latencyMs ?? 0;
  let rateLimit = options.rateLimit;
  let grants: Array<{ time: number; count: number }> = [];
  const faults = createFaultBook(seed);
  const entra = createEntraBook(now);
  const log: RequestLogEntry[] = [];
  let seq = 0;
  const files = new Map<string, StoredFile>();
  const operations = new Map<string, Operation>();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let origin = '';

  const sleep = (ms: number) =>
    ms <= 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, ms);
          timers.add(timer);
        });

  // ---------- helpers bound to the current state ----------

  function storeFile(image: RenderedImage, extension: string): string {
    const id = randomUUID().replace(/-/g, '');
    const expiresAt = now() + config.urlTtlMs;
    files.set(id, { image, expiresAt });
    if (files.size > 20_000) {
      const oldest = files.keys().next().value;
      if (oldest !== undefined) files.delete(oldest);
    }
    const se = new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return `${origin}/files/${id}.${extension}?st=${encodeURIComponent(new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z'))}&se=${encodeURIComponent(se)}&sp=r&sv=2021-08-06&sr=b&sig=${randomUUID().replace(/-/g, '')}`;
  }

  function ruleReply(provider: Provider, v: RuleViolation, headers: Record<string, string>): Reply {
    const { status, ...error } = v;
    if (provider === 'azure' && status === 404)
      return azureError(404, 'DeploymentNotFound', error.message, {}, headers);
    return openaiError(status, error, headers);
  }

  function rateLimitCheck(count: number): { waitMs: number; used: number } | undefined {
    if (!rateLimit) return undefined;
    const windowMs = rateLimit.windowMs ?? 60_000;
    const t = now();
    grants = grants.filter((g) => g.time > t - windowMs);
    const used = grants.reduce((sum, g) => sum + g.count, 0);
    if (used + count <= rateLimit.imagesPerMinute) {
      grants.push({ time: t, count });
      return undefined;
    }
    let freed = 0;
    let waitMs = windowMs;
    for (const g of grants) {
      freed += g.count;
      if (used - freed + count <= rateLimit.imagesPerMinute) {
        waitMs = g.time + windowMs - t;
        break;
      }
    }
    return { waitMs: Math.max(1, waitMs), used };
  }

  function rateLimitHeaders(): Record<string, string> {
    if (!rateLimit) return {};
    const windowMs = rateLimit.windowMs ?? 60_000;
    const t = now();
    const live = grants.filter((g) => g.time > t - windowMs);
    const used = live.reduce((sum, g) => sum + g.count, 0);
    const reset = live.length > 0 ? live[0]!.time + windowMs - t : 0;
    return {
      'x-ratelimit-limit-images': String(rateLimit.imagesPerMinute),
      'x-ratelimit-remaining-images': String(Math.max(0, rateLimit.imagesPerMinute - used)),
      'x-ratelimit-reset-images': `${Math.ceil(reset / 1000)}s`,
    };
  }

  function rateLimitedReply(
    provider: Provider,
    model: string,
    used: number,
    count: number,
    waitMs: number,
    headers: Record<string, string>,
  ): Reply {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    const extra: Record<string, string> = { ...headers };
    if (rateLimit?.retryAfter) extra['retry-after'] = String(seconds);
    if (rateLimit?.retryAfterMs) extra['retry-after-ms'] = String(Math.ceil(waitMs));
    const limit = rateLimit?.imagesPerMinute ?? 0;
    if (provider === 'azure')
      return azureError(
        429,
        '429',
        `Requests to the Images_Generations Operation under Azure OpenAI API have exceeded call rate limit of your current OpenAI S0 pricing tier. Please retry after ${seconds} seconds.`,
        {},
        extra,
      );
    return openaiError(
      429,
      {
        message: `Rate limit reached for ${model} on images per min (IPM): Limit ${limit}, Used ${used}, Requested ${count}. Please try again in ${seconds}s.`,
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
      extra,
    );
  }

  function safetyReply(provider: Provider, accepted: AcceptedRequest, headers: Record<string, string>): Reply {
    if (provider === 'azure') {
      const message =
        'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.';
      if (config.azureSafetyShape === 'contentFilter')
        return azureError(400, 'contentFilter', message, { param: 'prompt', status: 400 }, headers);
      const inner = {
        code: 'ResponsibleAIPolicyViolation',
        content_filter_results: contentFilterResults(true),
        revised_prompt: accepted.family.id === 'dall-e-3' ? accepted.prompt : undefined,
      };
      return azureError(
        400,
        'content_policy_violation',
        message,
        { [config.azureSafetyShape]: inner, type: 'invalid_request_error', param: null },
        headers,
      );
    }
    if (accepted.family.gptFields)
      return openaiError(
        400,
        {
          message:
            'Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com.',
          type: 'image_generation_user_error',
          param: null,
          code: 'moderation_blocked',
          moderation_details: { flagged: true, categories: ['violence'] },
        },
        headers,
      );
    return openaiError(
      400,
      {
        message:
          'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.',
        type: 'invalid_request_error',
        param: null,
        code: 'content_policy_violation',
      },
      headers,
    );
  }

  function tripsSafety(prompt: string): boolean {
    return config.triggerWord !== '' && prompt.toLowerCase().includes(config.triggerWord.toLowerCase());
  }

  async function renderFor(accepted: AcceptedRequest, index: number, partial?: number): Promise<RenderedImage> {
    const image = await renderUnsigned(accepted, index, partial);
    if (!config.c2pa || partial !== undefined) return image;
    const bytes = signC2pa(image.bytes, accepted.family.gptFields ? accepted.outputFormat : 'png');
    const base64 = bytes.toString('base64');
    return { bytes, mimeType: image.mimeType, base64, base64Bytes: Buffer.from(base64, 'latin1') };
  }

  function renderUnsigned(accepted: AcceptedRequest, index: number, partial?: number): Promise<RenderedImage> {
    return renderImage({
      kind: partial === undefined ? config.imageKind : 'solid',
      width: accepted.width,
      height: accepted.height,
      format: accepted.family.gptFields ? accepted.outputFormat : 'png',
      transparent: accepted.background === 'transparent',
      variant: promptVariant(accepted.prompt) + index + (partial === undefined ? 0 : partial + 1),
      quality: accepted.outputCompression,
    });
  }

  function revisedPrompt(prompt: string): string {
    return `${prompt}, depicted with rich detail, balanced composition and natural lighting.`;
  }

  async function imagesReply(
    provider: Provider,
    kind: 'generate' | 'edit',
    accepted: AcceptedRequest,
    inputImages: readonly InputImageInfo[],
    inputFidelity: string | undefined,
    headers: Record<string, string>,
    entry: RequestLogEntry,
  ): Promise<Reply> {
    const created = Math.floor(now() / 1000);
    const images = await Promise.all(Array.from({ length: accepted.n }, (_, i) => renderFor(accepted, i)));
    entry.images = images.length;
    const gpt = accepted.family.gptFields;
    const tokens = gpt ? usageOf(accepted, inputImages, inputFidelity) : undefined;
    const usage = tokens?.total;
    const extension = gpt ? accepted.outputFormat : 'png';

    if (accepted.stream) {
      const prefix = kind === 'edit' ? 'image_edit' : 'image_generation';
      const common = {
        created_at: created,
        size: accepted.size,
        quality: accepted.quality,
        background: accepted.background,
        output_format: accepted.outputFormat,
      };
      const events: Buffer[] = [];
      const event = (type: string, payload: Record<string, unknown>, image: Buffer) =>
        concatBody(jsonWithImages({ type, b64_json: imageSlot(0), ...payload }, [image])).toString('latin1');
      for (let i = 0; i < images.length; i++) {
        for (let p = 0; p < accepted.partialImages; p++) {
          const partial = await renderFor(accepted, i, p);
          const type = `${prefix}.partial_image`;
          const data = event(type, { ...common, partial_image_index: p }, partial.base64Bytes);
          events.push(Buffer.from(`event: ${type}\ndata: ${data}\n\n`, 'latin1'));
        }
        const type = `${prefix}.completed`;
        const data = event(type, { ...common, usage: tokens?.ofImage(i) }, images[i]!.base64Bytes);
        events.push(Buffer.from(`event: ${type}\ndata: ${data}\n\n`, 'latin1'));
      }
      return {
        status: 200,
        headers: { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
        body: events,
        events,
      };
    }

    const data = images.map((image, i) => {
      const item: Record<string, unknown> = {};
      if (accepted.responseFormat === 'url') item['url'] = storeFile(image, extension);
      else item['b64_json'] = imageSlot(i);
      if (accepted.family.id === 'dall-e-3') item['revised_prompt'] = revisedPrompt(accepted.prompt);
      if (provider === 'azure') {
        item['content_filter_results'] = contentFilterResults(false);
        item['prompt_filter_results'] = promptFilterResults();
      }
      return item;
    });
    const body: Record<string, unknown> = { created, data };
    if (gpt) {
      body['background'] = accepted.background;
      body['output_format'] = accepted.outputFormat;
      body['quality'] = accepted.quality;
      body['size'] = accepted.size;
      body['usage'] = usage;
    }
    return {
      status: 200,
      headers: { 'content-type': 'application/json', ...headers },
      body: jsonWithImages(
        body,
        images.map((image) => image.base64Bytes),
      ),
    };
  }

  // ---------- auth ----------

  function authOf(req: IncomingMessage): { kind: 'bearer' | 'api-key' | 'none'; credential: string | undefined } {
    const apiKey = req.headers['api-key'];
    const authorization = req.headers['authorization'];
    if (typeof authorization === 'string' && /^bearer\s+/i.test(authorization))
      return { kind: 'bearer', credential: authorization.replace(/^bearer\s+/i, '').trim() };
    if (typeof apiKey === 'string') return { kind: 'api-key', credential: apiKey };
    return { kind: 'none', credential: undefined };
  }

  function checkAuth(route: Route, req: IncomingMessage, entry: RequestLogEntry, headers: Record<string, string>) {
    if (route.name === 'files') return undefined;
    const { kind, credential } = authOf(req);
    entry.auth = kind;
    if (route.provider === 'openai') {
      if (kind === 'api-key' || credential === undefined) {
        if (!config.requireAuth) {
          entry.authValid = true;
          return undefined;
        }
        entry.authValid = false;
        return openaiError(
          401,
          {
            message:
              "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            type: 'invalid_request_error',
            param: null,
            code: null,
          },
          headers,
        );
      }
      entry.authValid = isValidKey(config, credential);
      if (entry.authValid || !config.requireAuth) return undefined;
      return openaiError(
        401,
        {
          message: `Incorrect API key provided: ${maskKey(credential)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
        headers,
      );
    }
    if (credential === undefined) {
      entry.authValid = false;
      return azureError(
        401,
        '401',
        'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
        {},
        headers,
      );
    }
    entry.authValid = isValidKey(config, credential) || (kind === 'bearer' && entra.valid(credential));
    if (entry.authValid) return undefined;
    if (kind === 'bearer')
      return azureError(
        401,
        '401',
        'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.',
        {},
        { ...headers, 'www-authenticate': 'Bearer' },
      );
    return azureError(
      401,
      '401',
      'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
      {},
      headers,
    );
  }

  // ---------- the image routes ----------

  function retiredReply(model: string, headers: Record<string, string>): Reply {
    return openaiError(
      404,
      {
        message: `The model \`${model}\` has been deprecated, learn more here: https://platform.openai.com/docs/deprecations`,
        type: 'invalid_request_error',
        param: null,
        code: 'model_not_found',
      },
      headers,
    );
  }

  async function handleImages(
    route: Route,
    parsed: ParsedBody,
    entry: RequestLogEntry,
    headers: Record<string, string>,
    query: URLSearchParams,
  ): Promise<Reply> {
    const provider = route.provider;
    const kind: 'generate' | 'edit' = route.name.endsWith('edits') ? 'edit' : 'generate';

    // Azure: deployment and api-version first
    let deploymentModel: string | undefined;
    const fields: Fields = { ...(parsed.fields ?? {}) };
    if (route.name === 'azure.generations' || route.name === 'azure.edits') {
      const version = query.get('api-version');
      const date = version ? versionDate(version) : undefined;
      if (!version)
        return azureError(
          400,
          'BadRequest',
          "Missing required query parameter 'api-version'. Supported versions include 2024-10-21 and 2025-04-01-preview.",
          {},
          headers,
        );
      if (!date || date < '2023-12-01')
        return azureError(
          400,
          'BadRequest',
          `API version not supported: '${version}'. Use 2024-10-21 or later (GPT image models need 2025-04-01-preview or later).`,
          {},
          headers,
        );
      const deployment = route.params['deployment']!;
      deploymentModel = config.azureDeployments[deployment];
      if (!deploymentModel)
        return azureError(
          404,
          'DeploymentNotFound',
          'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
          {},
          headers,
        );
      const needsNew = kind === 'edit' || /^(gpt-image|chatgpt-image)/.test(deploymentModel);
      if (needsNew && date < '2025-04-01')
        return azureError(
          400,
          'OperationNotSupported',
          `The images ${kind === 'edit' ? 'edits' : 'generations'} operation does not work with the specified model, ${deploymentModel}, on api-version ${version}. Use api-version 2025-04-01-preview or later.`,
          {},
          headers,
        );
      if (fields['model'] !== undefined) {
        if (config.azureModelInBody === 'reject')
          return openaiError(
            400,
            {
              message:
                "Unsupported parameter: 'model'. The deployment in the URL selects the model; do not send 'model' in the body.",
              type: 'invalid_request_error',
              param: 'model',
              code: 'unsupported_parameter',
            },
            headers,
          );
        delete fields['model'];
      }
    }
    if (route.name === 'azure.v1.generations' || route.name === 'azure.v1.edits') {
      const version = query.get('api-version');
      if (version !== null && !['preview', 'v1', 'latest'].includes(version))
        return azureError(
          400,
          'BadRequest',
          `api-version '${version}' is not allowed on the /openai/v1 path; omit it or use 'preview'.`,
          {},
          headers,
        );
      if (parsed.fields && parsed.fields['model'] === undefined)
        return openaiError(
          400,
          {
            message: "Missing required parameter: 'model' (the deployment name).",
            type: 'invalid_request_error',
            param: 'model',
            code: 'missing_required_parameter',
          },
          headers,
        );
      const deployment = parsed.fields?.['model'];
      deploymentModel = typeof deployment === 'string' ? config.azureDeployments[deployment] : undefined;
      if (parsed.fields && !deploymentModel)
        return azureError(
          404,
          'DeploymentNotFound',
          'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
          {},
          headers,
        );
      delete fields['model'];
    }

    if (parsed.error || !parsed.fields) {
      return openaiError(
        400,
        {
          message: parsed.form
            ? `Could not parse multipart form: ${parsed.error ?? 'no fields'}.`
            : "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
        headers,
      );
    }
    if (kind === 'edit' && !parsed.form && !Array.isArray(fields['images']))
      return openaiError(
        400,
        {
          message: "Missing required parameter: 'image'.",
          type: 'invalid_request_error',
          param: 'image',
          code: 'missing_required_parameter',
        },
        headers,
      );
    if (kind === 'generate' && parsed.form)
      return openaiError(
        400,
        {
          message: 'Invalid Content-Type header (multipart/form-data); expected application/json.',
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
        headers,
      );

    const requestedModel = typeof fields['model'] === 'string' ? fields['model'] : undefined;
    if (requestedModel !== undefined && config.retiredModels.includes(requestedModel))
      return retiredReply(requestedModel, headers);
    if (deploymentModel && config.retiredModels.includes(deploymentModel))
      return retiredReply(deploymentModel, headers);

    const outcome = checkImageRequest(fields, {
      kind,
      fromForm: parsed.form,
      defaultModel: deploymentModel ?? defaultModelFor(kind, fields),
    });
    if (isRuleViolation(outcome)) return ruleReply(provider, outcome, headers);

    let inputImages: InputImageInfo[] = [];
    if (kind === 'edit') {
      if (parsed.form) {
        const uploads: UploadedImage[] = parsed.files
          .filter((f) => f.name === 'image' || f.name === 'image[]')
          .map((f) => ({ field: f.name, filename: f.filename, contentType: f.contentType, data: f.data }));
        const maskPart = parsed.files.find((f) => f.name === 'mask');
        const mask = maskPart
          ? { field: 'mask', filename: maskPart.filename, contentType: maskPart.contentType, data: maskPart.data }
          : undefined;
        const problem = checkEditImages(uploads, mask, outcome);
        if (problem) return ruleReply(provider, problem, headers);
        inputImages = uploads.map((upload) => uploadDimensions(upload.data));
      } else {
        const refs = fields['images'] as unknown[];
        if (!outcome.family.gptFields || refs.length === 0 || refs.length > 16)
          return openaiError(
            400,
            {
              message: `Invalid 'images': expected 1 to 16 image references for a GPT image model, got ${refs.length}.`,
              type: 'invalid_request_error',
              param: 'images',
              code: 'invalid_value',
            },
            headers,
          );
        inputImages = refs.map(() => ({ width: undefined, height: undefined }));
      }
    }

    const limited = rateLimitCheck(outcome.n);
    if (limited) {
      entry.rateLimited = true;
      return rateLimitedReply(provider, outcome.model, limited.used, outcome.n, limited.waitMs, headers);
    }
    if (tripsSafety(outcome.prompt)) return safetyReply(provider, outcome, headers);
    const fidelity = typeof fields['input_fidelity'] === 'string' ? fields['input_fidelity'] : undefined;
    return imagesReply(provider, kind, outcome, inputImages, fidelity, { ...headers, ...rateLimitHeaders() }, entry);
  }

  // ---------- legacy asynchronous DALL-E 2 ----------

  function legacyVersionProblem(version: string | null, headers: Record<string, string>): Reply | undefined {
    const date = version ? versionDate(version) : undefined;
    if (!version || !date || !version.endsWith('-preview') || date < '2023-06-01' || date > '2023-10-01')
      return azureError(
        400,
        'BadRequest',
        `API version not supported: '${version ?? ''}'. The asynchronous DALL-E 2 operation needs api-version 2023-06-01-preview … 2023-10-01-preview.`,
        {},
        headers,
      );
    return undefined;
  }

  async function handleLegacySubmit(
    parsed: ParsedBody,
    entry: RequestLogEntry,
    headers: Record<string, string>,
    query: URLSearchParams,
    fault: FaultSpec | undefined,
  ): Promise<Reply> {
    const version = query.get('api-version');
    const problem = legacyVersionProblem(version, headers);
    if (problem) return problem;
    if (parsed.error || !parsed.fields || parsed.form)
      return azureError(400, 'BadRequest', 'The request body is not valid JSON.', {}, headers);
    const fields = { ...parsed.fields };
    delete fields['model'];
    const outcome = checkImageRequest(fields, { kind: 'generate', fromForm: false, defaultModel: 'dall-e-2' });
    if (isRuleViolation(outcome)) return ruleReply('azure', outcome, headers);
    if (outcome.n > 5)
      return openaiError(
        400,
        {
          message: `Invalid 'n': expected a value between 1 and 5, but got ${outcome.n} instead.`,
          type: 'invalid_request_error',
          param: 'n',
          code: 'invalid_value',
        },
        headers,
      );
    if (fields['response_format'] === 'b64_json')
      return openaiError(
        400,
        {
          message: "Invalid value: 'b64_json'. The asynchronous DALL-E 2 operation only returns URLs.",
          type: 'invalid_request_error',
          param: 'response_format',
          code: 'invalid_value',
        },
        headers,
      );
    const limited = rateLimitCheck(outcome.n);
    if (limited) {
      entry.rateLimited = true;
      return rateLimitedReply('azure', 'dall-e-2', limited.used, outcome.n, limited.waitMs, headers);
    }
    const id = randomUUID();
    const safety = tripsSafety(outcome.prompt);
    const operation: Operation = {
      id,
      created: Math.floor(now() / 1000),
      pollsLeft: config.legacyPolls,
      seen: 0,
      outcome:
        safety || fault?.kind === 'operation_failed'
          ? 'failed'
          : fault?.kind === 'operation_canceled'
            ? 'canceled'
            : 'succeeded',
      reason: safety ? 'safety' : fault ? 'fault' : undefined,
      accepted: outcome,
      result: undefined,
    };
    operations.set(id, operation);
    return json(
      202,
      { id, status: 'notRunning' },
      {
        ...headers,
        'operation-location': `${origin}/openai/operations/images/${id}?api-version=${encodeURIComponent(version!)}`,
        'retry-after': String(config.legacyRetryAfterSeconds),
      },
    );
  }

  async function handleLegacyPoll(
    route: Route,
    entry: RequestLogEntry,
    headers: Record<string, string>,
    query: URLSearchParams,
  ): Promise<Reply> {
    const problem = legacyVersionProblem(query.get('api-version'), headers);
    if (problem) return problem;
    const operation = operations.get(route.params['id']!);
    if (!operation)
      return azureError(404, 'NotFound', 'The requested operation was not found or has expired.', {}, headers);
    operation.seen++;
    if (operation.pollsLeft > 0) {
      operation.pollsLeft--;
      return json(
        200,
        { created: operation.created, id: operation.id, status: operation.seen === 1 ? 'notRunning' : 'running' },
        {
          ...headers,
          'retry-after': String(config.legacyRetryAfterSeconds),
        },
      );
    }
    if (operation.outcome === 'failed')
      return json(
        200,
        {
          created: operation.created,
          id: operation.id,
          status: 'failed',
          error:
            operation.reason === 'safety'
              ? { code: 'contentFilter', message: 'Your task failed as a result of our safety system.' }
              : { code: 'InternalFailure', message: 'The image generation task failed. Please try again.' },
        },
        headers,
      );
    if (operation.outcome === 'canceled')
      return json(
        200,
        {
          created: operation.created,
          id: operation.id,
          status: 'canceled',
          error: { code: 'OperationCanceled', message: 'The operation was canceled.' },
        },
        headers,
      );
    if (!operation.result) {
      const images = await Promise.all(
        Array.from({ length: operation.accepted.n }, (_, i) => renderFor(operation.accepted, i)),
      );
      operation.result = {
        created: operation.created,
        data: images.map((image) => ({ url: storeFile(image, 'png') })),
      };
      entry.images = images.length;
    }
    return json(
      200,
      {
        created: operation.created,
        expires: operation.created + DAY / 1000,
        id: operation.id,
        result: operation.result,
        status: 'succeeded',
      },
      headers,
    );
  }

  // ---------- files ----------

  function handleFile(route: Route, method: string): Reply {
    const file = files.get(route.params['id']!);
    if (!file) return blobError(404, 'BlobNotFound', 'The specified blob does not exist.');
    if (now() > file.expiresAt)
      return blobError(
        403,
        'AuthenticationFailed',
        'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
        `Signed expiry time [${new Date(file.expiresAt).toUTCString()}] must be after current time [${new Date(now()).toUTCString()}]`,
      );
    return {
      status: 200,
      headers: {
        'content-type': file.image.mimeType,
        'x-ms-blob-type': 'BlockBlob',
        'last-modified': new Date(file.expiresAt - config.urlTtlMs).toUTCString(),
      },
      body: method === 'HEAD' ? Buffer.alloc(0) : file.image.bytes,
    };
  }

  function handleModels(route: Route, headers: Record<string, string>): Reply {
    const ids =
      route.name === 'azure.v1.models'
        ? Object.keys(config.azureDeployments)
        : config.models.filter((m) => !config.retiredModels.includes(m));
    return json(
      200,
      {
        object: 'list',
        data: ids.map((id) => ({ id, object: 'model', created: 1_698_785_189, owned_by: 'system' })),
      },
      headers,
    );
  }

  // ---------- faults that replace the answer ----------

  function faultReply(fault: FaultSpec, provider: Provider, headers: Record<string, string>): Reply | undefined {
    const extra: Record<string, string> = { ...headers };
    if (fault.retryAfter !== undefined) extra['retry-after'] = String(fault.retryAfter);
    if (fault.retryAfterMs !== undefined) extra['retry-after-ms'] = String(fault.retryAfterMs);
    if (fault.shouldRetry !== undefined) extra['x-should-retry'] = String(fault.shouldRetry);
    switch (fault.kind) {
      case 'rate_limit':
        if (provider === 'azure')
          return azureError(
            429,
            '429',
            'Requests to the Images_Generations Operation under Azure OpenAI API have exceeded call rate limit of your current OpenAI S0 pricing tier. Please retry after a short while.',
            {},
            extra,
          );
        return openaiError(
          429,
          {
            message: 'Rate limit reached for images per min (IPM). Please try again later.',
            type: 'requests',
            param: null,
            code: 'rate_limit_exceeded',
          },
          extra,
        );
      case 'insufficient_quota':
        return openaiError(
          429,
          {
            message:
              'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
            type: 'insufficient_quota',
            param: null,
            code: 'insufficient_quota',
          },
          extra,
        );
      case 'billing_hard_limit':
        return openaiError(
          400,
          {
            message: 'Billing hard limit has been reached.',
            type: 'invalid_request_error',
            param: null,
            code: 'billing_hard_limit_reached',
          },
          extra,
        );
      case 'server_error': {
        const status = fault.status ?? 500;
        if (provider === 'azure')
          return azureError(
            status,
            status === 503 ? 'ServiceUnavailable' : 'InternalServerError',
            'The service is temporarily unable to process your request. Please try again later.',
            {},
            extra,
          );
        const message =
          status === 503
            ? 'The engine is currently overloaded, please try again later.'
            : status === 502
              ? 'Bad gateway.'
              : 'The server had an error while processing your request. Sorry about that!';
        return openaiError(status, { message, type: 'server_error', param: null, code: null }, extra);
      }
      case 'html_502': {
        const page = html502();
        return { ...page, headers: { ...extra, ...page.headers } };
      }
      case 'status':
        return {
          status: fault.status ?? 500,
          headers: { 'content-type': 'application/json', ...extra, ...(fault.headers ?? {}) },
          body: fault.body ?? '',
        };
      case 'expired_url':
        return blobError(
          403,
          'AuthenticationFailed',
          'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
          'Signed expiry time has passed.',
        );
      default:
        return undefined;
    }
  }

  // ---------- sending ----------

  function send(res: ServerResponse, reply: Reply, entry: RequestLogEntry | undefined, fault?: FaultSpec): void {
    if (res.destroyed || res.writableEnded) return;
    if (entry) entry.status = reply.status;
    if (Array.isArray(reply.body) && !reply.events && fault?.kind !== 'truncated' && fault?.kind !== 'malformed_json') {
      const length = reply.body.reduce((sum, p) => sum + (typeof p === 'string' ? Buffer.byteLength(p) : p.length), 0);
      res.writeHead(reply.status, { ...reply.headers, 'content-length': String(length) });
      res.cork();
      for (const piece of reply.body) res.write(piece);
      res.end();
      return;
    }
    const bodyBuffer = concatBody(reply.body);
    if (fault?.kind === 'truncated') {
      res.writeHead(reply.status, { ...reply.headers, 'content-length': String(bodyBuffer.length) });
      const cut = Math.max(1, Math.floor(bodyBuffer.length / 2));
      res.write(bodyBuffer.subarray(0, cut), () => res.socket?.destroy());
      return;
    }
    if (fault?.kind === 'malformed_json') {
      const text = bodyBuffer.subarray(0, Math.max(1, Math.floor(Math.min(bodyBuffer.length, 4096) / 2)));
      const broken = Buffer.concat([text, Buffer.from('\n<!-- upstream buffer flushed -->')]);
      if (entry) entry.status = 200;
      res.writeHead(200, {
        ...reply.headers,
        'content-type': 'application/json',
        'content-length': String(broken.length),
      });
      res.end(broken);
      return;
    }
    if (reply.events) {
      res.writeHead(reply.status, reply.headers);
      for (const event of reply.events) res.write(event);
      res.end();
      return;
    }
    res.writeHead(reply.status, { ...reply.headers, 'content-length': String(bodyBuffer.length) });
    res.end(bodyBuffer);
  }

  // ---------- control endpoints ----------

  async function handleControl(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const raw = req.method === 'GET' ? Buffer.alloc(0) : await readBody(req, 1024 * 1024);
    let body: unknown;
    try {
      body = raw === 'too_large' || raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
    } catch {
      send(res, json(400, { error: 'control body must be JSON' }), undefined);
      return;
    }
    const ok = (value: unknown = { ok: true }) => send(res, json(200, value), undefined);
    const fail = (message: string) => send(res, json(400, { error: message }), undefined);
    const route = `${req.method} ${path.replace(/\/$/, '')}`;
    try {
      switch (route) {
        case 'GET /__control/health':
          return ok({ ok: true, url: origin });
        case 'GET /__control/log':
          return ok({ entries: log });
        case 'DELETE /__control/log':
          api.clearLog();
          return ok();
        case 'GET /__control/faults':
          return ok({ pending: faults.pending() });
        case 'POST /__control/faults':
          api.inject(body as FaultSpec | FaultSpec[]);
          return ok({ pending: faults.pending() });
        case 'DELETE /__control/faults':
          faults.clear();
          return ok();
        case 'POST /__control/latency': {
          const ms = (body as { ms?: unknown } | undefined)?.ms;
          if (typeof ms !== 'number' || ms < 0) return fail('latency body must be {"ms": number >= 0}');
          api.setLatency(ms);
          return ok();
        }
        case 'POST /__control/rate-limit': {
          const settings = body as RateLimitSettings | null | undefined;
          if (settings && typeof settings.imagesPerMinute !== 'number')
            return fail('rate-limit body must be {"imagesPerMinute": n, "retryAfter": bool} or null');
          api.setRateLimit(settings ?? undefined);
          return ok();
        }
        case 'DELETE /__control/rate-limit':
          api.setRateLimit(undefined);
          return ok();
        case 'POST /__control/config': {
          api.configure((body ?? {}) as Partial<FakeUpstreamConfig>);
          const { validKeys: _keys, ...visible } = config;
          return ok({ config: visible });
        }
        case 'POST /__control/expire-tokens':
          api.expireTokens();
          return ok();
        case 'POST /__control/reset':
          api.reset();
          return ok();
        default:
          send(res, json(404, { error: `unknown control endpoint ${route}` }), undefined);
      }
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
  }

  // ---------- Entra ID ----------

  /** POST /{tenant}/oauth2/v2.0/token (form body): a short-lived token, or Entra's error. */
  function handleToken(route: Route, raw: Buffer): Reply {
    return entra.token(route.params['tenant'] ?? '', new URLSearchParams(raw.toString('utf8')), config.entra);
  }

  // ---------- the request handler ----------

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const path = url.pathname;
    if (controlEnabled && path.startsWith('/__control')) return handleControl(req, res, path);

    const route = matchRoute(method, path);
    const auth = authOf(req);
    const entry: RequestLogEntry = {
      seq: ++seq,
      time: now(),
      method,
      path,
      query: Object.fromEntries(
        [...url.searchParams].map(([k, v]) => [k, k.toLowerCase() === 'sig' || k === 'api-key' ? 'REDACTED' : v]),
      ),
      route: route?.name,
      headers: redactHeaders(req),
      auth: auth.kind,
      authValid: undefined,
      body: undefined,
      files: undefined,
      bodyError: undefined,
      status: undefined,
      fault: undefined,
      rateLimited: false,
      images: 0,
      closedBeforeAnswer: false,
    };
    log.push(entry);
    res.once('close', () => {
      if (!res.writableFinished) entry.closedBeforeAnswer = true;
    });
    const provider: Provider = route?.provider ?? (path.startsWith('/openai/') ? 'azure' : 'openai');
    const headers = requestIdHeaders(provider);

    if (!route) {
      req.resume();
      send(
        res,
        provider === 'azure'
          ? azureError(404, '404', 'Resource not found', {}, headers)
          : openaiError(
              404,
              { message: `Invalid URL (${method} ${path})`, type: 'invalid_request_error', param: null, code: null },
              headers,
            ),
        entry,
      );
      return;
    }

    const fault = faults.take(route.name, path);
    entry.fault = fault?.kind;
    if (fault?.kind === 'reset') {
      const socket = req.socket as Socket & { resetAndDestroy?: () => void };
      if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
      else socket.destroy();
      return;
    }
    if (fault?.kind === 'hang') {
      req.resume(); // let the client finish sending, then never answer
      return;
    }

    let raw: Buffer | 'too_large' = Buffer.alloc(0);
    if (method === 'POST') {
      try {
        raw = await readBody(req, maxBody);
      } catch {
        return; // the client went away
      }
    }
    if (raw === 'too_large') {
      send(
        res,
        openaiError(
          413,
          { message: 'Request body too large.', type: 'invalid_request_error', param: null, code: null },
          headers,
        ),
        entry,
      );
      return;
    }
    const parsed =
      route.name === 'entra.token'
        ? tokenFormLog(raw)
        : method === 'POST'
          ? parseBody(req, raw)
          : { fields: undefined, files: [], error: undefined, form: false };
    entry.body = parsed.fields ? loggable(parsed.fields) : undefined;
    entry.bodyError = parsed.error;
    if (parsed.files.length > 0)
      entry.files = parsed.files.map((f) => ({
        field: f.name,
        filename: f.filename,
        contentType: f.contentType,
        bytes: f.data.length,
      }));

    await sleep(latencyMs + (fault?.kind === 'slow' ? (fault.delayMs ?? 1000) : 0));
    if (res.destroyed) return;

    if (fault) {
      const replaced = faultReply(fault, provider, headers);
      if (replaced) {
        send(res, replaced, entry, fault);
        return;
      }
    }

    let reply: Reply;
    if (route.name === 'entra.token') reply = handleToken(route, raw);
    else if (route.name === 'files') reply = handleFile(route, method);
    else {
      const denied = checkAuth(route, req, entry, headers);
      if (denied) reply = denied;
      else if (route.name === 'openai.models' || route.name === 'azure.v1.models') reply = handleModels(route, headers);
      else if (route.name === 'azure.legacy.submit')
        reply = await handleLegacySubmit(parsed, entry, headers, url.searchParams, fault);
      else if (route.name === 'azure.legacy.poll')
        reply = await handleLegacyPoll(route, entry, headers, url.searchParams);
      else reply = await handleImages(route, parsed, entry, headers, url.searchParams);
    }
    if (fault?.shouldRetry !== undefined) reply.headers['x-should-retry'] = String(fault.shouldRetry);
    send(res, reply, entry, fault);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed)
        send(
          res,
          json(500, {
            error: {
              message: `fake upstream bug: ${error instanceof Error ? error.message : String(error)}`,
              type: 'server_error',
              param: null,
              code: 'fake_upstream_bug',
            },
          }),
          undefined,
        );
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  origin = `http://${host}:${address.port}`;

  const api: FakeUpstream = {
    url: origin,
    openaiBaseUrl: `${origin}/v1`,
    azureEndpoint: origin,
    port: address.port,
    log,
    clearLog() {
      log.length = 0;
    },
    inject(fault) {
      const list = Array.isArray(fault) ? fault : [fault];
      for (const spec of list) faults.add(spec);
    },
    clearFaults() {
      faults.clear();
    },
    pendingFaults() {
      return faults.pending();
    },
    setLatency(ms) {
      latencyMs = Math.max(0, ms);
    },
    setRateLimit(settings) {
      rateLimit = settings;
      grants = [];
    },
    configure(partial) {
      const next = { ...config };
      for (const [key, value] of Object.entries(partial)) {
        if (value === undefined) continue;
        if (!(key in config)) throw new Error(`unknown config key '${key}'`);
        (next as Record<string, unknown>)[key] = value;
      }
      config = next;
    },
    get config() {
      return config;
    },
    expireTokens() {
      entra.expireAll();
    },
    tokensIssued() {
      return entra.issued();
    },
    reset() {
      log.length = 0;
      faults.clear();
      faults.reseed(seed);
      latencyMs = options.latencyMs ?? 0;
      rateLimit = options.rateLimit;
      grants = [];
      files.clear();
      operations.clear();
      entra.clear();
      config = initialConfig(options);
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
    },
  };
  return api;
}
