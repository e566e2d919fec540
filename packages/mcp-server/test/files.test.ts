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
    ['x'.repeat(121), /longer than/],
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
    expect(await readSavedImage(out, 'b.png')).toEqual({ bytes: new Uint8Array([98]), mimeType: 'image/png' });
    expect(await readSavedImage(out, 'link.png')).toBeUndefined();
    expect(await readSavedImage(out, '../secret.png')).toBeUndefined();
    expect(await readSavedImage(out, 'notes.txt')).toBeUndefined();
    expect(await listSavedImages(join(root, 'missing'))).toEqual([]);
  });
});
