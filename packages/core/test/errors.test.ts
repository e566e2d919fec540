import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ImageError } from '../src/errors/image-error.js';

describe('ImageError', () => {
  it('serialises its details but never its cause', () => {
    const cause = { options: { headers: 'Bearer sk-secret-cause' } };
    const error = new ImageError({
      kind: 'rate_limit',
      message: 'Rate limited: wait 3 s.',
      status: 429,
      retryable: true,
      retryAfterMs: 3000,
      cause,
    });
    const json = JSON.stringify(error);
    expect(JSON.parse(json)).toEqual({
      name: 'ImageError',
      kind: 'rate_limit',
      message: 'Rate limited: wait 3 s.',
      status: 429,
      retryAfterMs: 3000,
      retryable: true,
    });
    expect(json).not.toContain('sk-secret-cause');
    expect(inspect(error)).not.toContain('sk-secret-cause');
    expect(error.cause).toBe(cause);
  });
});
