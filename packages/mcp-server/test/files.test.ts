import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FileProblem,
  filenameProblem,
  listSavedImages,
  plannedFileNames,
  readInputImage,
  readSavedImage,
  resourceUri,
  saveNewFile,
} from '../src/files.js';

let root: string;
let out: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'brushwork-files-'));
  out = join(root, 'out');
  await mkdir(out);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const date = new Date(Date.UTC(2026, 7, 1, 9, 30, 0));

describe('filenameProblem', () => {
  it.each([
    ['../escape', /without a directory/],
    ['/etc/passwd', /without a directory/],
    ['a/b', /without a directory/],
    ['a\\b', /without a directory/],
    ['nul\0byte', /NUL/],
    ['..', /directory|dot/],
    ['.hidden', /dot/],
    ['', /empty/],
    ['what?', /<>:"\|\?\*/],
    ['x'.repeat(250), /255 bytes/],
    ['fox\u202Egnp.exe', /bidirectional/],
    ['fox\u2066name', /bidirectional/],
  ])('rejects %j', (name, pattern) => {
    expect(filenameProblem(name)).toMatch(pattern);
  });

  it('accepts plain names', () => {
    expect(filenameProblem('red fox (final).png')).toBeUndefined();
  });
});

describe('plannedFileNames', () => {
  it('uses the core naming without a filename', () => {
    expect(plannedFileNames({ prompt: 'A red fox', date, images: [{ index: 0, extension: 'png' }] })).toEqual([
      '20260801-093000-a-red-fox-1.png',
    ]);
  });

  it('uses the given stem, the real extension, and -N for several images', () => {
    expect(
      plannedFileNames({ prompt: 'x', filename: 'fox.png', date, images: [{ index: 0, extension: 'jpeg' }] }),
    ).toEqual(['fox.jpg']);
    expect(
      plannedFileNames({
        prompt: 'x',
        filename: 'fox',
        date,
        images: [
          { index: 0, extension: 'png' },
          { index: 2, extension: 'png' },
        ],
      }),
    ).toEqual(['fox-1.png', 'fox-3.png']);
  });
});

describe('saveNewFile', () => {
  it('writes the bytes and leaves no temp file', async () => {
    const saved = await saveNewFile(out, 'a.png', new Uint8Array([1, 2, 3]));
    expect(saved).toEqual({ path: join(out, 'a.png'), fileName: 'a.png' });
    expect([...(await readFile(saved.path))]).toEqual([1, 2, 3]);
    expect(await readdir(out)).toEqual(['a.png']);
  });

  it('never overwrites: takes the next suffix', async () => {
    await writeFile(join(out, 'a.png'), 'old');
    await writeFile(join(out, 'a-2.png'), 'old2');
    const saved = await saveNewFile(out, 'a.png', new Uint8Array([9]));
    expect(saved.fileName).toBe('a-3.png');
    expect(await readFile(join(out, 'a.png'), 'utf8')).toBe('old');
    expect(await readFile(join(out, 'a-2.png'), 'utf8')).toBe('old2');
  });

  it('gives concurrent saves of one name distinct files', async () => {
    const saves = await Promise.all(
      Array.from({ length: 8 }, (_, i) => saveNewFile(out, 'same.png', new Uint8Array([i]))),
    );
    expect(new Set(saves.map((s) => s.fileName)).size).toBe(8);
    expect((await readdir(out)).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('creates the output directory', async () => {
    const saved = await saveNewFile(join(out, 'deep', 'er'), 'a.png', new Uint8Array([1]));
    expect(await readFile(saved.path)).toHaveLength(1);
  });

  it('refuses names that would leave the directory', async () => {
    await expect(saveNewFile(out, '../x.png', new Uint8Array([1]))).rejects.toBeInstanceOf(FileProblem);
    expect(await readdir(root)).toEqual(['out']);
  });

  it('writes nothing when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(saveNewFile(out, 'a.png', new Uint8Array([1]), controller.signal)).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(await readdir(out)).toEqual([]);
  });
});

describe('readInputImage', () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

  it('reads from the output dir by absolute path, relative path, file URL and resource URI', async () => {
    await writeFile(join(out, 'in.png'), png);
    const dirs = { outputDir: out, inputDirs: [] };
    for (const reference of [
      join(out, 'in.png'),
      'in.png',
      pathToFileURL(join(out, 'in.png')).href,
      resourceUri('in.png'),
    ]) {
      const file = await readInputImage('images[0]', reference, dirs);
      expect([...file.bytes]).toEqual([...png]);
      expect(file.fileName).toBe('in.png');
    }
  });

  it('reads from an allowed input dir', async () => {
    const pictures = join(root, 'pictures');
    await mkdir(pictures);
    await writeFile(join(pictures, 'cat.png'), png);
    const file = await readInputImage('images[0]', join(pictures, 'cat.png'), {
      outputDir: out,
      inputDirs: [pictures],
    });
    expect(file.fileName).toBe('cat.png');
  });

  it('refuses files outside the allowed dirs, naming the field and the dirs', async () => {
    await writeFile(join(root, 'secret.png'), png);
    const attempt = readInputImage('images[1]', join(root, 'secret.png'), { outputDir: out, inputDirs: [] });
    await expect(attempt).rejects.toBeInstanceOf(FileProblem);
    await expect(attempt).rejects.toThrow(/images\[1\].*outside the output directory.*--input-dir/);
    await expect(readInputImage('mask', '../secret.png', { outputDir: out, inputDirs: [] })).rejects.toThrow(/outside/);
  });

  it('refuses symlinks that escape the allowed dirs', async () => {
    await writeFile(join(root, 'secret.png'), png);
    await symlink(join(root, 'secret.png'), join(out, 'link.png'));
    await expect(readInputImage('images[0]', join(out, 'link.png'), { outputDir: out, inputDirs: [] })).rejects.toThrow(
      /outside/,
    );
    // A symlinked directory inside the output dir pointing outside is refused too.
    await symlink(root, join(out, 'up'));
    await expect(
      readInputImage('images[0]', join(out, 'up', 'secret.png'), { outputDir: out, inputDirs: [] }),
    ).rejects.toThrow(/outside/);
  });

  it('says when the file does not exist, and refuses NUL and the directory itself', async () => {
    await expect(readInputImage('images[0]', 'missing.png', { outputDir: out, inputDirs: [] })).rejects.toThrow(
      /no file at/,
    );
    await expect(readInputImage('images[0]', 'a\0b', { outputDir: out, inputDirs: [] })).rejects.toThrow(/NUL/);
    await expect(readInputImage('images[0]', out, { outputDir: out, inputDirs: [] })).rejects.toThrow(/outside/);
    await expect(
      readInputImage('images[0]', `${resourceUri('')}..%2Fx.png`, { outputDir: out, inputDirs: [] }),
    ).rejects.toThrow(/not a valid brushwork/);
  });
});

describe('saved images as resources', () => {
  it('lists only plain image files, and reads them back', async () => {
    await writeFile(join(out, 'b.png'), 'b');
    await writeFile(join(out, 'notes.txt'), 'x');
    await writeFile(join(out, '.a.png.123.tmp'), 'x');
    await mkdir(join(out, 'dir.png'));
    await writeFile(join(root, 'secret.png'), 'secret');
    await symlink(join(root, 'secret.png'), join(out, 'link.png'));
    const listed = await listSavedImages(out);
    expect(listed.map((e) => e.fileName)).toEqual(['b.png']);
    expect(listed[0]).toMatchObject({ mimeType: 'image/png', bytes: 1 });
    expect(await readSavedImage(out, 'b.png', 1_000_000)).toEqual({
      bytes: new Uint8Array([98]),
      mimeType: 'image/png',
    });
    expect(await readSavedImage(out, 'link.png', 1_000_000)).toBeUndefined();
    expect(await readSavedImage(out, '../secret.png', 1_000_000)).toBeUndefined();
    expect(await readSavedImage(out, 'notes.txt', 1_000_000)).toBeUndefined();
    expect(await listSavedImages(join(root, 'missing'))).toEqual([]);
  });
});

describe('reads race a symlink swap (issue 14, finding 1)', () => {
  // A child process swaps <out>/race.png between a regular inside file and a symlink to a file outside,
  // as fast as it can (bounded: it stops after 2,000,000 swaps or when killed). Meanwhile we read it.
  const SWAPPER = `
    const { renameSync, symlinkSync, writeFileSync } = require('node:fs');
    const [dir, outside] = process.argv.slice(1);
    const target = dir + '/race.png';
    for (let i = 0; i < 2_000_000; i++) {
      try {
        symlinkSync(outside, dir + '/.link');
        renameSync(dir + '/.link', target);
        writeFileSync(dir + '/.file', 'INSIDE-bytes');
        renameSync(dir + '/.file', target);
      } catch {}
    }`;
  const READS = 4000;
  /** Kills the swapper and waits until it is gone (it must not write into a directory being removed). */
  const stop = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else {
        child.once('exit', () => resolve());
        child.kill();
      }
    });

  it('never serves an outside byte from resources or edit inputs', async () => {
    const secret = 'OUTSIDE-SECRET-bytes';
    await writeFile(join(root, 'secret.png'), secret);
    await writeFile(join(out, 'race.png'), 'INSIDE-bytes');
    const swapper = spawn(process.execPath, ['-e', SWAPPER, out, join(root, 'secret.png')], { stdio: 'ignore' });
    const seen = { outside: 0, inside: 0, refused: 0 };
    const tally = (bytes: Uint8Array | undefined) => {
      const text = bytes ? Buffer.from(bytes).toString() : '';
      if (text.includes('OUTSIDE')) seen.outside++;
      else if (text === 'INSIDE-bytes') seen.inside++;
      else seen.refused++;
    };
    try {
      const loop = async (read: () => Promise<Uint8Array | undefined>) => {
        for (let i = 0; i < READS / 4; i++) tally(await read().catch(() => undefined));
      };
      const saved = async () => (await readSavedImage(out, 'race.png', 1_000_000))?.bytes;
      const input = async () =>
        (await readInputImage('images[0]', 'race.png', { outputDir: out, inputDirs: [] })).bytes;
      await Promise.all([loop(saved), loop(saved), loop(input), loop(input)]);
    } finally {
      await stop(swapper);
    }
    expect(seen.outside, JSON.stringify(seen)).toBe(0);
    expect(seen.inside + seen.refused).toBe(READS);
  }, 60_000);

  it('never reads more than the cap when a larger file is swapped in after the size check', async () => {
    const GROWER = `
      const { renameSync, writeFileSync } = require('node:fs');
      const dir = process.argv[1];
      for (let i = 0; i < 2_000_000; i++) {
        try {
          writeFileSync(dir + '/.big', Buffer.alloc(8192, 66));
          renameSync(dir + '/.big', dir + '/race.png');
          writeFileSync(dir + '/.small', Buffer.alloc(100, 83));
          renameSync(dir + '/.small', dir + '/race.png');
        } catch {}
      }`;
    await writeFile(join(out, 'race.png'), Buffer.alloc(100, 83));
    const swapper = spawn(process.execPath, ['-e', GROWER, out], { stdio: 'ignore' });
    let largest = 0;
    try {
      const loop = async (read: () => Promise<Uint8Array | undefined>) => {
        for (let i = 0; i < READS / 4; i++)
          largest = Math.max(largest, (await read().catch(() => undefined))?.length ?? 0);
      };
      const saved = async () => (await readSavedImage(out, 'race.png', 4096))?.bytes;
      const input = async () =>
        (await readInputImage('images[0]', 'race.png', { outputDir: out, inputDirs: [], maxBytes: 4096 })).bytes;
      await Promise.all([loop(saved), loop(saved), loop(input), loop(input)]);
    } finally {
      await stop(swapper);
    }
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThanOrEqual(4096);
  }, 60_000);
});

describe('outside paths answer alike (issue 14, finding 5)', () => {
  it('says the same for a missing and an existing file outside the allowed dirs', async () => {
    await writeFile(join(root, 'exists.png'), new Uint8Array([1]));
    await symlink(root, join(out, 'up'));
    const dirs = { outputDir: out, inputDirs: [] };
    const answer = async (reference: string) => {
      const error = await readInputImage('images[0]', reference, dirs).then(
        () => new Error('read'),
        (e: Error) => e,
      );
      return error.message.replaceAll('exists', 'NAME').replaceAll('missing', 'NAME');
    };
    for (const [existing, missing] of [
      [join(root, 'exists.png'), join(root, 'missing.png')],
      ['../exists.png', '../missing.png'],
      [pathToFileURL(join(root, 'exists.png')).href, pathToFileURL(join(root, 'missing.png')).href],
      ['up/exists.png', 'up/missing.png'],
      [join(root, 'exists.png', 'x.png'), join(root, 'missing.png', 'x.png')],
    ] as const) {
      const said = await answer(existing);
      expect(said).toMatch(/outside/);
      expect(await answer(missing)).toBe(said);
    }
    // inside the allowed dirs a missing file is still called missing
    expect(await answer('missing.png')).toMatch(/no file at/);
  });
});

describe('file names in bytes (issue 14, finding 6)', () => {
  const longestAccepted = (unit: string) => {
    let stem = unit;
    while (filenameProblem(stem + unit) === undefined && stem.length < 1000) stem += unit;
    return stem;
  };

  it('refuses names whose saved form would pass 255 bytes, and lone surrogates, naming filename and the limit', () => {
    expect(filenameProblem('字'.repeat(80))).toMatch(/filename.*255 bytes/);
    expect(filenameProblem('🦊'.repeat(60))).toMatch(/filename.*255 bytes/);
    expect(filenameProblem('x'.repeat(250))).toMatch(/filename.*255 bytes/);
    expect(filenameProblem('\uD800fox')).toMatch(/filename/);
    expect(filenameProblem('fox\uDC00.png')).toMatch(/filename/);
    expect(filenameProblem('x'.repeat(120))).toBeUndefined();
    expect(filenameProblem(`${'x'.repeat(118)}.png`)).toBeUndefined();
  });

  it('saves the longest accepted names with every suffix they can get (image number, -N, extension)', async () => {
    for (const unit of ['x', '字', '🦊']) {
      const stem = longestAccepted(unit);
      expect(Buffer.byteLength(stem)).toBeGreaterThan(200);
      const names = plannedFileNames({
        prompt: 'x',
        filename: stem,
        date,
        images: Array.from({ length: 10 }, (_, index) => ({ index, extension: 'webp' })),
      });
      const last = names.at(-1)!;
      await saveNewFile(out, last, new Uint8Array([1]));
      const again = await saveNewFile(out, last, new Uint8Array([2]));
      expect(again.fileName).toBe(`${stem}-10-2.webp`);
    }
    expect((await readdir(out)).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('saveNewFile refuses what the file system would not take, before writing anything', async () => {
    for (const name of [`${'字'.repeat(90)}.png`, `${'x'.repeat(260)}.png`, 'fox\uD800.png']) {
      await expect(saveNewFile(out, name, new Uint8Array([1]))).rejects.toBeInstanceOf(FileProblem);
    }
    expect(await readdir(out)).toEqual([]);
  });
});
