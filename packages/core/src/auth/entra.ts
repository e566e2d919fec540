/**
 * Microsoft Entra ID tokens for Azure OpenAI without an API key: the client-credentials flow (POST
 * {authority}/{tenant}/oauth2/v2.0/token) over the injected transport, no Azure SDK. A token is kept
 * until shortly before it expires; callers asking at the same time share one fetch; a 401 from Azure
 * (the `rejected` token) fetches a new one. Errors from the token endpoint name the setting to fix, and
 * neither the client secret nor a token ever appears in one (errors/redact.ts).
 */
import { classifyFailure } from '../errors/classify-failure.js';
import { cancelledError, ImageError, type ImageErrorKind } from '../errors/image-error.js';
import { redactSecrets } from '../errors/redact.js';
import { readWholeBody } from '../receive/body.js';
import { trimBase } from '../providers/encode.js';
import type { AccessToken, TokenSource, TokenSourceOptions, Transport } from '../types.js';
import { isRecord } from '../util/values.js';

export const ENTRA_AUTHORITY_HOST = 'https://login.microsoftonline.com';
/** The scope of Azure OpenAI (Cognitive Services) for the client-credentials flow. */
export const AZURE_OPENAI_SCOPE = 'https://cognitiveservices.azure.com/.default';
/** A token is replaced this long before it expires (at most half its lifetime). */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;
const DEFAULT_TOKEN_TIMEOUT_MS = 30_000;

/** How each consumer names the settings in its messages (env names, credential field labels). */
export interface EntraSettingNames {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  authorityHost: string;
}

export interface EntraClientCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Default https://login.microsoftonline.com (sovereign clouds have their own). */
  authorityHost?: string;
  /** Default https://cognitiveservices.azure.com/.default */
  scope?: string;
  transport: Transport;
  /** Clock in ms (default Date.now). */
  now?: () => number;
  /** Timeout of one token request (default 30 s). */
  timeoutMs?: number;
  refreshMarginMs?: number;
  settingNames?: Partial<EntraSettingNames>;
}

const DEFAULT_NAMES: EntraSettingNames = {
  tenantId: 'tenantId',
  clientId: 'clientId',
  clientSecret: 'clientSecret',
  authorityHost: 'authorityHost',
};

/** The token URL of a tenant. */
export function entraTokenUrl(authorityHost: string | undefined, tenantId: string): string {
  return `${trimBase(authorityHost || ENTRA_AUTHORITY_HOST)}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
}

/** A token the operator supplies and refreshes (AZURE_OPENAI_AD_TOKEN): always the same one. */
export function staticTokenSource(token: string): TokenSource {
  return { getToken: async () => ({ token, expiresAt: Number.POSITIVE_INFINITY }) };
}

/** Client credentials → a token source that caches, shares concurrent fetches and refreshes on demand. */
export function createEntraTokenSource(options: EntraClientCredentials): TokenSource {
  const now = options.now ?? Date.now;
  const names = { ...DEFAULT_NAMES, ...options.settingNames };
  const secrets: string[] = [options.clientSecret];
  let cached: AccessToken | undefined;
  let freshUntil = 0;
  let pending: Promise<AccessToken> | undefined;

  function fetchOnce(): Promise<AccessToken> {
    pending ??= requestToken(options, names, secrets, now)
      .then((token) => {
        cached = token;
        const lifetime = token.expiresAt - now();
        freshUntil = token.expiresAt - Math.min(options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS, lifetime / 2);
        secrets.push(token.token);
        if (secrets.length > 4) secrets.splice(1, 1);
        return token;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  }

  return {
    async getToken({ signal, rejected }: TokenSourceOptions = {}) {
      if (signal?.aborted) throw cancelledError(signal.reason);
      const stale = rejected !== undefined && cached?.token === rejected;
      if (cached && !stale && !pending && now() < freshUntil) return cached;
      if (stale) cached = undefined;
      return abortable(fetchOnce(), signal);
    },
  };
}

/** The shared fetch keeps going for the other callers; this caller stops waiting when its signal aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelledError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function requestToken(
  options: EntraClientCredentials,
  names: EntraSettingNames,
  secrets: readonly string[],
  now: () => number,
): Promise<AccessToken> {
  const missing = (['tenantId', 'clientId', 'clientSecret'] as const).filter((k) => !options[k]);
  if (missing.length > 0) {
    throw new ImageError({
      kind: 'invalid_request',
      message: `Microsoft Entra ID needs ${missing.map((k) => names[k]).join(', ')}.`,
      problems: missing.map((k) => ({ field: names[k], message: `${names[k]} is required for Entra ID.` })),
    });
  }
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: options.clientId,
    client_secret: options.clientSecret,
    scope: options.scope ?? AZURE_OPENAI_SCOPE,
  }).toString();
  let response: Awaited<ReturnType<Transport>>;
  let text: string;
  try {
    response = await options.transport({
      method: 'POST',
      url: entraTokenUrl(options.authorityHost, options.tenantId),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      timeoutMs: options.timeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS,
      maxResponseBytes: 1024 * 1024,
    });
    text = new TextDecoder().decode(await readWholeBody(response));
  } catch (caught) {
    const failure = classifyFailure(caught, secrets);
    if (failure.kind === 'cancelled') throw failure;
    throw failure.with({
      message: `Could not get a Microsoft Entra ID token from ${names.authorityHost}: ${failure.message}`,
    });
  }
  const json = parseJson(text);
  if (response.status >= 200 && response.status < 300) {
    const token = isRecord(json) ? json['access_token'] : undefined;
    const expiresIn = Number(isRecord(json) ? json['expires_in'] : undefined);
    if (typeof token !== 'string' || token === '' || !Number.isFinite(expiresIn)) {
      throw new ImageError({
        kind: 'bad_response',
        status: response.status,
        message: `The Microsoft Entra ID token endpoint (${names.authorityHost}) answered without an access_token and expires_in.`,
        retryable: true,
      });
    }
    return { token, expiresAt: now() + expiresIn * 1000 };
  }
  throw tokenError(response.status, json, text, names, secrets);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The error for a token request Entra ID refused, for consumers whose own OAuth2 client made the request
 * (n8n's): `body` is the endpoint's answer (its JSON or text), `status` its HTTP status when known.
 * The message names the setting to fix, in the consumer's words.
 */
export function entraTokenRefusal(
  answer: { status?: number; body: unknown },
  settingNames: Partial<EntraSettingNames> = {},
  secrets: readonly string[] = [],
): ImageError {
  const text = typeof answer.body === 'string' ? answer.body : (JSON.stringify(answer.body) ?? '');
  const json = typeof answer.body === 'string' ? parseJson(answer.body) : answer.body;
  return tokenError(answer.status ?? 400, json, text, { ...DEFAULT_NAMES, ...settingNames }, secrets);
}

/** AADSTS codes that point at one setting. */
const SETTING_OF_CODE: ReadonlyArray<[number, keyof EntraSettingNames, string]> = [
  [90002, 'tenantId', 'Microsoft Entra ID does not know this tenant'],
  [900023, 'tenantId', 'The tenant is not a valid directory (tenant) ID or domain'],
  [90013, 'tenantId', 'The tenant is not valid'],
  [700016, 'clientId', 'No application with this client ID exists in the tenant'],
  [7000215, 'clientSecret', 'The client secret is not valid (use the secret value, not its ID)'],
  [7000222, 'clientSecret', 'The client secret has expired'],
];

function tokenError(
  status: number,
  json: unknown,
  text: string,
  names: EntraSettingNames,
  secrets: readonly string[],
): ImageError {
  const record = isRecord(json) ? json : {};
  const code = typeof record['error'] === 'string' ? record['error'] : undefined;
  const codes = Array.isArray(record['error_codes']) ? record['error_codes'].map(Number) : [];
  const rawDescription =
    typeof record['error_description'] === 'string' ? record['error_description'] : text.slice(0, 300);
  // "AADSTS90002: Tenant 'x' not found. ... Trace ID: ..." → the first sentence, trace ids dropped.
  const description = redactSecrets(rawDescription.split(/\s+Trace ID:/)[0] ?? '', secrets).trim();
  const aadsts = /AADSTS(\d+)/.exec(rawDescription)?.[1];
  const all = aadsts ? [Number(aadsts), ...codes] : codes;
  const known = SETTING_OF_CODE.find(([n]) => all.includes(n));
  const base = { status, code: aadsts ? `AADSTS${aadsts}` : code, type: code };
  if (known) {
    const [, setting, what] = known;
    return new ImageError({
      ...base,
      kind: 'authentication',
      param: names[setting],
      message: `${what}: check ${names[setting]}. Entra ID said: ${description}`,
    });
  }
  if (code === 'invalid_scope') {
    return new ImageError({ ...base, kind: 'invalid_request', message: `Entra ID refused the scope: ${description}` });
  }
  if (status === 404) {
    return new ImageError({
      ...base,
      kind: 'authentication',
      param: names.authorityHost,
      message: `The Entra ID token endpoint was not found (404): check ${names.authorityHost} and ${names.tenantId}.`,
    });
  }
  const kind: ImageErrorKind =
    status === 429 ? 'rate_limit' : status >= 500 ? 'server' : status === 403 ? 'permission' : 'authentication';
  return new ImageError({
    ...base,
    kind,
    retryable: status === 429 || status >= 500,
    message: `Microsoft Entra ID refused the token request (${status}${code ? ` ${code}` : ''}): ${description || 'no details'}. Check ${names.tenantId}, ${names.clientId} and ${names.clientSecret}.`,
  });
}
