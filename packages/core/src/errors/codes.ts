/** Error codes the classifiers and transports recognise, each list written once. */

/** Socket and HTTP-client codes for a connection that failed or broke (worth another attempt). */
export const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_HTTP2_STREAM_ERROR',
  'EPROTO',
]);

/** Codes for a request that ran out of time. */
export const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Safety refusals, OpenAI's and Azure's spellings alike (compared lower-case). */
export const CONTENT_POLICY_CODES: ReadonlySet<string> = new Set([
  'content_policy_violation',
  'contentfilter',
  'content_filter',
  'moderation_blocked',
  'responsibleaipolicyviolation',
]);
export const QUOTA_CODES: ReadonlySet<string> = new Set([
  'insufficient_quota',
  'billing_hard_limit_reached',
  'billing_not_active',
]);
export const AUTH_CODES: ReadonlySet<string> = new Set([
  'invalid_api_key',
  'invalid_authentication',
  'unauthorized',
  'accessdenied',
]);
export const MODEL_CODES: ReadonlySet<string> = new Set(['model_not_found', 'deploymentnotfound']);
