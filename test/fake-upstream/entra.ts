// Microsoft Entra ID, faked: the client-credentials token endpoint (/{tenant}/oauth2/v2.0/token) and the
// book of tokens it issued, which the Azure routes check bearer tokens against. Error bodies are
// shaped like Entra's (error, error_description "AADSTSnnnnn: ...", error_codes, trace ids).
import { randomBytes, randomUUID } from 'node:crypto';
import { json, type Reply } from './wire.ts';

export const ENTRA_SCOPE = 'https://cognitiveservices.azure.com/.default';

/** The one application the fake tenant knows (tests may configure another). */
export interface EntraSettings {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** lifetime of issued tokens (expires_in), default 600 s: short-lived */
  tokenTtlSeconds: number;
  /** issued tokens start with this (tests put a canary in it) */
  tokenPrefix: string;
}

export const DEFAULT_ENTRA: EntraSettings = {
  tenantId: 'fake-tenant',
  clientId: 'fake-client-id',
  clientSecret: 'fake-client-secret',
  tokenTtlSeconds: 600,
  tokenPrefix: 'entra-token-',
};

/** Matches the token endpoint path; the tenant is the first segment. */
export function matchTokenPath(path: string): string | undefined {
  const m = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

function entraError(status: number, error: string, code: number, description: string): Reply {
  const trace = randomUUID();
  const correlation = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: trace,
    correlation_id: correlation,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}

export interface EntraBook {
  /** answers POST /{tenant}/oauth2/v2.0/token with a form body */
  token(tenant: string, form: URLSearchParams, settings: EntraSettings): Reply;
  /** the bearer token was issued here and has not expired (or been expired) */
  valid(token: string): boolean;
  /** every token issued so far counts as expired from now on (the next Azure call gets 401) */
  expireAll(): void;
  /** tokens issued so far */
  issued(): number;
  clear(): void;
}

export function createEntraBook(now: () => number): EntraBook {
  const tokens = new Map<string, number>();
  let count = 0;
  return {
    token(tenant, form, settings) {
      if (tenant !== settings.tenantId)
        return entraError(
          400,
          'invalid_request',
          90002,
          `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
        );
      if (form.get('grant_type') !== 'client_credentials')
        return entraError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
      if (form.get('client_id') !== settings.clientId)
        return entraError(
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${form.get('client_id') ?? ''}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
        );
      if (form.get('client_secret') !== settings.clientSecret)
        return entraError(
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${settings.clientId}'.`,
        );
      if (form.get('scope') !== ENTRA_SCOPE)
        return entraError(
          400,
          'invalid_scope',
          1002012,
          `The provided value for scope ${form.get('scope') ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        );
      count += 1;
      const token = `${settings.tokenPrefix}${count}-${randomBytes(12).toString('hex')}`;
      tokens.set(token, now() + settings.tokenTtlSeconds * 1000);
      return json(200, {
        token_type: 'Bearer',
        expires_in: settings.tokenTtlSeconds,
        ext_expires_in: settings.tokenTtlSeconds,
        access_token: token,
      });
    },
    valid(token) {
      const expiresAt = tokens.get(token);
      return expiresAt !== undefined && now() < expiresAt;
    },
    expireAll() {
      for (const token of tokens.keys()) tokens.set(token, 0);
    },
    issued: () => count,
    clear() {
      tokens.clear();
      count = 0;
    },
  };
}
