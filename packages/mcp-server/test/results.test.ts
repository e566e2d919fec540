import { renameSync, symlinkSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createImageClient } from '@brushwork/core';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import type { ProgressReporter } from '../src/progress.js';
import { deliverImages } from '../src/results.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'brushwork-results-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const silent: ProgressReporter = { enabled: false, core: () => {}, phase: () => {} } as unknown as ProgressReporter;

describe('previews (issue 14, finding 1: anything that reads a file by name)', () => {
  it('never preview a file swapped in for the saved one (a symlink to an image outside)', async () => {
    const out = join(root, 'out');
    await mkdir(out);
    // outside: a 64x32 image, easy to tell from the 1024x1024 one the sandbox draws
    const outside = join(root, 'private.png');
    await writeFile(
      outside,
      await sharp({ create: { width: 64, height: 32, channels: 3, background: '#f00' } })
        .png()
        .toBuffer(),
    );
    const outcome = parseConfig({ BRUSHWORK_OUTPUT_DIR: out }, [], { cwd: root, homedir: root });
    if (outcome.kind !== 'config') throw new Error('config expected');
    const result = await createImageClient({ provider: { kind: 'sandbox' } }).generate({
      prompt: 'a fox',
      size: '1024x1024',
    });
    const delivered = await deliverImages(result, {
      config: outcome.config,
      prompt: 'a fox',
      filename: 'fox',
      date: new Date(0),
      signal: new AbortController().signal,
      progress: silent,
      // between saving and the previews, another process swaps the file for a link to its own pick
      onSaved: () => {
        symlinkSync(outside, join(out, '.swap'));
        renameSync(join(out, '.swap'), join(out, 'fox.png'));
      },
    });
    const previews = (delivered.content ?? []).filter((block) => block.type === 'image') as { data: string }[];
    expect(delivered.isError).toBeFalsy();
    for (const preview of previews) {
      const meta = await sharp(Buffer.from(preview.data, 'base64')).metadata();
      expect(meta.width).toBe(meta.height);
    }
  });
});
