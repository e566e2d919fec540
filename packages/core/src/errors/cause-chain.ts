/** An error and its causes, outermost first: how every classifier and transport looks inside a failure. */
import { asText, prop } from '../util/values.js';

export interface ErrorLink {
  name?: string;
  code?: string;
  message?: string;
  /** The thrown value itself, for consumers that know a library's own fields (an OAuth2 error's body). */
  value: unknown;
}

/** name / code / message of the error and of up to `depth - 1` causes. A thrown string is its message. */
export function errorChain(error: unknown, depth = 4): ErrorLink[] {
  const out: ErrorLink[] = [];
  let current: unknown = error;
  for (let level = 0; level < depth && current !== undefined && current !== null; level++) {
    out.push({
      name: asText(prop(current, 'name')),
      code: asText(prop(current, 'code')),
      message: typeof current === 'string' ? current : asText(prop(current, 'message')),
      value: current,
    });
    current = prop(current, 'cause');
  }
  return out;
}
