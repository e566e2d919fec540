import { ImageError, redactSecrets, toWireNames } from '@brushwork/core';
import { describe, expect, it } from 'vitest';
import { describeError, describeProgress } from '../src/messages.js';

describe('describeError', () => {
  it('lists every validation problem with the tool field names', () => {
    const error = new ImageError({
      kind: 'invalid_request',
      message: 'Invalid request',
      problems: [
        {
          field: 'outputCompression',
          message: 'outputCompression only applies to jpeg or webp output',
          allowed: ['0', '100'],
        },
        {
          field: 'size',
          message: 'size 5x5 is not available for dall-e-3; use 1024x1024, 1792x1024 or 1024x1792',
          allowed: ['1024x1024', '1792x1024', '1024x1792'],
        },
      ],
    });
    expect(describeError(error, 'openai')).toBe(
      [
        'Invalid arguments; nothing was sent. Fix these and call again:',
        '- output_compression: output_compression only applies to jpeg or webp output (allowed: 0, 100)',
        '- size: size 5x5 is not available for dall-e-3; use 1024x1024, 1792x1024 or 1024x1792',
      ].join('\n'),
    );
  });

  it('says how long to wait on a rate limit, and what to do on each kind', () => {
    expect(describeError(new ImageError({ kind: 'rate_limit', message: 'x', retryAfterMs: 20_500 }), 'openai')).toMatch(
      /wait 21 s/,
    );
    expect(describeError(new ImageError({ kind: 'rate_limit', message: 'x', retryAfterMs: 1500 }), 'azure')).toMatch(
      /Azure OpenAI .*wait 1\.5 s/,
    );
    expect(describeError(new ImageError({ kind: 'authentication', message: 'x', status: 401 }), 'azure')).toMatch(
      /AZURE_OPENAI_API_KEY/,
    );
    expect(describeError(new ImageError({ kind: 'content_policy', message: 'Blocked.' }), 'openai')).toMatch(
      /^Refused by the safety system/,
    );
    expect(describeError(new ImageError({ kind: 'quota', message: 'No credit.' }), 'openai')).toMatch(/billing/);
    expect(describeError(new ImageError({ kind: 'cancelled', message: 'x' }), 'openai')).toMatch(/^Cancelled/);
  });

  it('never shows a stack trace for unexpected errors', () => {
    const text = describeError(new TypeError('boom\n    at somewhere (file.js:1:1)'), 'openai');
    expect(text).toBe('Internal error in the Brushwork MCP server: boom');
  });
});

describe('redaction (the core redactor, used for every text the server sends or logs)', () => {
  it('removes configured secrets and anything shaped like an OpenAI key', () => {
    expect(redactSecrets('key abcd-1234 and sk-proj-ABCDEFGHIJKL', ['abcd-1234'])).toBe('key *** and sk-***');
  });
});

describe('describeProgress', () => {
  it('has a line for each core phase', () => {
    expect(describeProgress({ type: 'request', call: 0, attempt: 1 }, 'openai')).toBe(
      'Requesting from OpenAI (call 1)',
    );
    expect(describeProgress({ type: 'request', call: 1, attempt: 2 }, 'openai')).toBe(
      'Requesting from OpenAI again (call 2, attempt 2)',
    );
    expect(
      describeProgress({ type: 'retry', call: 0, attempt: 2, delayMs: 2000, reason: 'Rate limited' }, 'openai'),
    ).toBe('Waiting 2 s before retrying call 1: Rate limited');
    expect(
      describeProgress(
        { type: 'partial_image', call: 0, index: 1, partialIndex: 0, bytes: new Uint8Array() },
        'openai',
      ),
    ).toBe('Partial image 1 received for image 2');
    expect(describeProgress({ type: 'download', call: 0, index: 0 }, 'openai')).toBe('Downloading image 1');
    expect(describeProgress({ type: 'image', index: 2 }, 'openai')).toBe('Image 3 received');
  });

  it('renames camelCase fields', () => {
    expect(toWireNames('outputFormat and inputFidelity, not outputFormats')).toBe(
      'output_format and input_fidelity, not outputFormats',
    );
  });
});
