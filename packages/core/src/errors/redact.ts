/**
 * The one secret redactor of the project (the core's messages, the MCP server's tool results, logs
 * and progress, the n8n node). Redact first, cut after: a text cut short after redaction can never
 * hold part of a secret.
 *
 * - Known secrets (the configured key or token), as given or percent-encoded: masked whole, and so is
 *   any prefix or suffix of 8 characters or more (what a cut leaves of a key, ours or the host's).
 *   Secrets shorter than 8 characters are masked where they appear whole.
 * - Anything shaped like a credential: OpenAI keys (`sk-…`, also right after a percent-encoded
 *   separator such as `%3D`), bearer / basic values, JWTs, api-key values, token query parameters.
 */

export const REDACTED = '***';

/** Shorter runs of a secret's characters are too common in ordinary text to mask. */
export const MIN_SECRET_FRAGMENT = 8;

const SECRET_PATTERNS: readonly [RegExp, string][] = [
  // OpenAI keys (sk-..., sk-proj-..., partially masked sk-abc***xyz in "Incorrect API key" messages),
  // not inside a word (desk-lamp), but right after a percent-encoded separator (key%3Dsk-...).
  [/(?:(?<![A-Za-z0-9])|(?<=%[0-9A-Fa-f]{2}))sk-[A-Za-z0-9_*.-]{3,}/g, `sk-${REDACTED}`],
  // Authorization header values.
  [/\b(Bearer|Basic)(\s+|%20|\+)[A-Za-z0-9._~+/=*%-]+/gi, `$1$2${REDACTED}`],
  // JWTs (Entra ID tokens).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?/g, REDACTED],
  // api-key / api_key / apikey / x-api-key: value, in headers, JSON or query strings.
  [/(\b(?:x-)?api[-_]?key\b["']?\s*(?:[:=]|%3A|%3D)\s*["']?)[^\s"',;&}]+/gi, `$1${REDACTED}`],
  // Tokens and signatures in query strings.
  [/([?&](?:key|token|access_token|sig|code)=)[^&\s"']+/gi, `$1${REDACTED}`],
  // "Incorrect API key provided: abc123." from hosts whose keys are not sk-...
  [/(API key provided:\s*)[^\s]+?(?=\.?(?:\s|$))/gi, `$1${REDACTED}`],
];

/** Removes API keys, bearer tokens and api-key values, and every known `secret`, from a text. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secretForms(secrets)) out = maskSecret(out, secret);
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Each secret as given and percent-encoded (as it appears in a URL or a form body), longest first. */
function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < 4) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/**
 * Masks the secret where it appears whole, then (secrets of 8 characters or more) every run of text
 * that is a prefix or a suffix of it at least 8 characters long: what a cut, ours or the host's,
 * leaves of a key. Runs from the middle of a secret are left alone: a key or token made of words
 * (`sk-test-brushwork-…`) would otherwise mask those words wherever they appear.
 */
function maskSecret(text: string, secret: string): string {
  const out = text.split(secret).join(REDACTED);
  if (secret.length < MIN_SECRET_FRAGMENT) return out;
  const masked = new Uint8Array(out.length);
  let any = false;
  const head = secret.slice(0, MIN_SECRET_FRAGMENT);
  for (let at = out.indexOf(head); at !== -1; at = out.indexOf(head, at + 1)) {
    let end = at + MIN_SECRET_FRAGMENT;
    while (end < out.length && end - at < secret.length && out[end] === secret[end - at]) end++;
    masked.fill(1, at, end);
    any = true;
  }
  const tail = secret.slice(-MIN_SECRET_FRAGMENT);
  for (let at = out.indexOf(tail); at !== -1; at = out.indexOf(tail, at + 1)) {
    let start = at;
    const last = secret.length - MIN_SECRET_FRAGMENT;
    while (start > 0 && at - start < last && out[start - 1] === secret[last - (at - start) - 1]) start--;
    masked.fill(1, start, at + MIN_SECRET_FRAGMENT);
    any = true;
  }
  if (!any) return out;
  let result = '';
  for (let i = 0; i < out.length; i++) {
    if (masked[i] !== 1) result += out[i];
    else if (masked[i - 1] !== 1) result += REDACTED;
  }
  return result;
}
