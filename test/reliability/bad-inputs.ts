// The bad-input corpus: invalid requests, each with the field its error must name. Shared by the core,
// MCP and n8n suites. Nothing here may reach the network: every entry must be refused by validation.
//
// - `request` is the core's ImageRequest / EditRequest shape (camelCase), or something that is not a
//   request at all (wrong types, not an object).
// - `tool` is the same case as MCP tool arguments (snake_case), when the tools can express it.
// - `field` is what the error must name (core name; `tool.field` is the MCP name).
// Edit entries carry image bytes; tool entries for edit_image use paths, `IMAGE_PLACEHOLDER` standing for
// a valid PNG the suite writes into the output dir first.
import { toWireName } from '@brushwork/core';
import { greyPng } from '../fake-upstream/test-helpers.ts';

export type BadInputKind = 'generate' | 'edit';

export interface BadInput {
  /** unique, readable: "dall-e-2 size 1792x1024" */
  id: string;
  category: string;
  kind: BadInputKind;
  /** the field the error must name, in the core's words ("size", "images[0]", "outputCompression") */
  field: string;
  request: unknown;
  /** the same case as MCP tool arguments, when the tools take it */
  tool?: { name: 'generate_image' | 'edit_image'; args: Record<string, unknown>; field: string };
}

/** In tool arguments: replaced by the path of a valid PNG inside the output dir. */
export const IMAGE_PLACEHOLDER = '<valid-image>';
/**
 * In tool arguments: replaced by the absolute path of a real, valid PNG outside every allowed directory.
 * Suites also write one at `<output dir>/../outside.png`, so that `../outside.png` exists too: the refusal
 * must come from the directory check, not from a missing file.
 */
export const OUTSIDE_PLACEHOLDER = '<outside-image>';

const MODELS = {
  'dall-e-2': 'dall-e-2',
  'dall-e-3': 'dall-e-3',
  'gpt-image-1.5': 'gpt-image-1.5',
  'gpt-image-1-mini': 'gpt-image-1-mini',
  'gpt-image-2': 'gpt-image-2',
  'gpt-image-2.6-flare': 'gpt-image-2.6-flare',
} as const;

const PROMPT = 'a red fox in the snow';

/** Request fields generate_image takes as arguments (under their wire names, toWireName). */
export const TOOL_FIELDS: ReadonlySet<string> = new Set([
  'prompt',
  'model',
  'n',
  'size',
  'quality',
  'style',
  'background',
  'outputFormat',
  'outputCompression',
  'moderation',
]);

/** The request as generate_image arguments, or undefined when a field is not a tool argument. */
function toolArgs(request: Record<string, unknown>): Record<string, unknown> | undefined {
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) {
    if (!TOOL_FIELDS.has(key)) return undefined;
    args[toWireName(key)] = value;
  }
  return args;
}

const entries: BadInput[] = [];

function generate(category: string, id: string, field: string, request: unknown, mcp = true): void {
  const args =
    mcp && typeof request === 'object' && request !== null ? toolArgs(request as Record<string, unknown>) : undefined;
  const toolField = TOOL_FIELDS.has(field) ? toWireName(field) : undefined;
  entries.push({
    id,
    category,
    kind: 'generate',
    field,
    request,
    ...(args && toolField ? { tool: { name: 'generate_image' as const, args, field: toolField } } : {}),
  });
}

// ───────────── sizes: every family's refused sizes, and strings that are not sizes ─────────────
const BAD_SIZES: Record<keyof typeof MODELS, string[]> = {
  'dall-e-2': ['1792x1024', '1024x1792', '1536x1024', '1024x1536', '2048x2048', '128x128', 'auto'],
  'dall-e-3': ['256x256', '512x512', '1536x1024', '1024x1536', '2048x2048', 'auto'],
  'gpt-image-1.5': ['256x256', '512x512', '1792x1024', '2048x2048', '1000x1000', '3840x2160'],
  'gpt-image-1-mini': ['512x512', '1792x1024', '1024x1792'],
  'gpt-image-2': [
    '1000x1000', // not multiples of 16
    '1030x1024',
    '4096x2160', // long side > 3840
    '3856x2160',
    '3840x2176', // short side > 2160
    '2176x3840',
    '4000x1008', // ratio > 3:1
    '1008x3200',
    '0x1024',
    '1024x0',
    '16x4800',
    '99999x99999',
  ],
  'gpt-image-2.6-flare': ['1025x1025', '5008x5008', '3072x1008'],
};
for (const [model, sizes] of Object.entries(BAD_SIZES))
  for (const size of sizes)
    generate('size (per family)', `${model} size ${size}`, 'size', { prompt: PROMPT, model, size });

const NOT_SIZES: Array<[string, string]> = [
  ['digits only', '1024'],
  ['star separator', '1024*1024'],
  ['spaces', '1024 x 1024'],
  ['word', 'large'],
  ['empty', ''],
  ['leading space', ' 1024x1024'],
  ['trailing newline', '1024x1024\n'],
  ['negative', '-1024x1024'],
  ['fullwidth digits', '１０２４x１０２４'],
  ['RTL override', '1024x1024\u202E'],
  ['Cyrillic x', '1024х1024'],
  ['exponent', '1e3x1e3'],
  ['decimal', '1024.5x1024'],
  ['capital X', 'AUTO'],
  ['zero width space', '1024\u200Bx1024'],
];
for (const [what, size] of NOT_SIZES) {
  generate('size (not a size)', `size ${what} (gpt-image-2)`, 'size', { prompt: PROMPT, model: 'gpt-image-2', size });
  generate('size (not a size)', `size ${what} (dall-e-3)`, 'size', { prompt: PROMPT, model: 'dall-e-3', size });
}
generate('huge strings', 'size 100k characters', 'size', {
  prompt: PROMPT,
  model: 'gpt-image-2',
  size: 'x'.repeat(100_000),
});

// ───────────── qualities ─────────────
const BAD_QUALITIES: Record<keyof typeof MODELS, string[]> = {
  'dall-e-2': ['hd', 'high', 'low', 'auto'],
  'dall-e-3': ['high', 'low', 'medium', 'auto', 'HD', 'standard '],
  'gpt-image-1.5': ['standard', 'hd', 'ultra', 'HIGH', 'hіgh' /* Cyrillic і */],
  'gpt-image-1-mini': ['hd', 'standard'],
  'gpt-image-2': ['standard', 'hd', 'max', 'high\u0000'],
  'gpt-image-2.6-flare': ['hd', ''],
};
for (const [model, qualities] of Object.entries(BAD_QUALITIES))
  for (const quality of qualities)
    generate('quality (per family)', `${model} quality ${JSON.stringify(quality)}`, 'quality', {
      prompt: PROMPT,
      model,
      quality,
    });

// ───────────── styles ─────────────
const BAD_STYLES: Record<keyof typeof MODELS, string[]> = {
  'dall-e-2': ['vivid', 'natural'],
  'dall-e-3': ['anime', 'Vivid', 'natural\u200B', ''],
  'gpt-image-1.5': ['vivid'],
  'gpt-image-1-mini': ['natural'],
  'gpt-image-2': ['natural', 'vivid'],
  'gpt-image-2.6-flare': ['vivid'],
};
for (const [model, styles] of Object.entries(BAD_STYLES))
  for (const style of styles)
    generate('style (per family)', `${model} style ${JSON.stringify(style)}`, 'style', {
      prompt: PROMPT,
      model,
      style,
    });

// ───────────── n ─────────────
const BAD_N: Array<[string, unknown]> = [
  ['0', 0],
  ['-1', -1],
  ['11', 11],
  ['1.5', 1.5],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['1e9', 1e9],
  ['"2" (string)', '2'],
  ['true', true],
  ['[2]', [2]],
];
for (const model of ['dall-e-2', 'dall-e-3', 'gpt-image-1.5', 'gpt-image-2'])
  for (const [what, n] of BAD_N) generate('n', `${model} n ${what}`, 'n', { prompt: PROMPT, model, n });

// ───────────── prompts: empty, whitespace, too long per family, odd Unicode, wrong types ─────────────
const EMPTY_PROMPTS: Array<[string, string]> = [
  ['empty', ''],
  ['spaces', '   '],
  ['tabs and newlines', '\t\n\r\n'],
  ['ideographic space', '\u3000\u3000'],
  ['no-break space', '\u00A0'],
  ['NUL', '\u0000'],
  ['NUL inside', 'a red fox\u0000 in the snow'],
  ['NUL at the end', 'a red fox in the snow\u0000'],
];
for (const [what, prompt] of EMPTY_PROMPTS) {
  generate('prompt (empty, whitespace, NUL)', `prompt ${what} (gpt-image-2)`, 'prompt', {
    prompt,
    model: 'gpt-image-2',
  });
  generate('prompt (empty, whitespace, NUL)', `prompt ${what} (dall-e-3)`, 'prompt', { prompt, model: 'dall-e-3' });
}
// Odd Unicode: ill-formed text (unpaired surrogates cannot be encoded as UTF-8) and prompts made only of
// invisible format characters (zero-width space, bidi overrides and isolates), which are empty to a reader.
const ODD_PROMPTS: Array<[string, string]> = [
  ['lone high surrogate', '\uD800'],
  ['lone low surrogate inside', 'a red fox \uDC00 in the snow'],
  ['zero width spaces only', '\u200B\u200B\u200B'],
  ['RTL override only', '\u202E'],
  ['bidi isolates only', '\u2066\u2069'],
];
for (const [what, prompt] of ODD_PROMPTS) {
  generate('prompt (odd Unicode)', `prompt ${what} (gpt-image-2)`, 'prompt', { prompt, model: 'gpt-image-2' }, true);
  generate('prompt (odd Unicode)', `prompt ${what} (dall-e-2)`, 'prompt', { prompt, model: 'dall-e-2' }, true);
}
const LIMITS: Record<keyof typeof MODELS, number> = {
  'dall-e-2': 1000,
  'dall-e-3': 4000,
  'gpt-image-1.5': 32000,
  'gpt-image-1-mini': 32000,
  'gpt-image-2': 32000,
  'gpt-image-2.6-flare': 32000,
};
for (const [model, limit] of Object.entries(LIMITS)) {
  generate('prompt length (per family)', `${model} prompt ${limit + 1} characters`, 'prompt', {
    prompt: 'a'.repeat(limit + 1),
    model,
  });
  // astral characters count once each (code points), so limit + 1 of them is one too many
  generate('prompt length (per family)', `${model} prompt ${limit + 1} emoji`, 'prompt', {
    prompt: '🦊'.repeat(limit + 1),
    model,
  });
}
generate('huge strings', 'prompt 1 MB', 'prompt', { prompt: 'fox '.repeat(262_144), model: 'gpt-image-2' });
generate('huge strings', 'prompt 200k characters, no model', 'prompt', { prompt: 'b'.repeat(200_000) });
const PROMPT_TYPES: Array<[string, unknown]> = [
  ['number', 42],
  ['null', null],
  ['list', ['a fox']],
  ['object', { text: 'a fox' }],
  ['true', true],
];
for (const [what, prompt] of PROMPT_TYPES)
  generate('wrong types', `prompt ${what}`, 'prompt', { prompt, model: 'gpt-image-2' });
generate('wrong types', 'prompt missing', 'prompt', { model: 'gpt-image-2', size: '1024x1024' });

// ───────────── GPT-only and DALL-E-only fields on the wrong family ─────────────
const FAMILY_FIELDS: Array<[string, string, Record<string, unknown>]> = [
  ['dall-e-3', 'background', { background: 'transparent' }],
  ['dall-e-2', 'background', { background: 'opaque' }],
  ['dall-e-3', 'outputFormat', { outputFormat: 'png' }],
  ['dall-e-2', 'outputFormat', { outputFormat: 'webp' }],
  ['dall-e-3', 'outputCompression', { outputCompression: 50 }],
  ['dall-e-3', 'moderation', { moderation: 'low' }],
  ['dall-e-2', 'moderation', { moderation: 'auto' }],
  ['gpt-image-2', 'responseFormat', { responseFormat: 'url' }],
  ['gpt-image-1.5', 'responseFormat', { responseFormat: 'b64_json' }],
  ['dall-e-3', 'stream', { stream: true }],
  ['dall-e-2', 'partialImages', { partialImages: 1, stream: true }],
  ['gpt-image-2', 'partialImages', { partialImages: 4, stream: true }],
  ['gpt-image-2', 'partialImages', { partialImages: -1, stream: true }],
  ['gpt-image-2', 'background', { background: 'transparent', outputFormat: 'jpeg' }],
  ['gpt-image-1.5', 'outputCompression', { outputCompression: 50, outputFormat: 'png' }],
  ['gpt-image-2', 'outputCompression', { outputCompression: 101, outputFormat: 'jpeg' }],
  ['gpt-image-2', 'outputCompression', { outputCompression: -1, outputFormat: 'webp' }],
  ['gpt-image-2', 'outputCompression', { outputCompression: 50.5, outputFormat: 'webp' }],
  ['gpt-image-2', 'outputCompression', { outputCompression: '50', outputFormat: 'webp' }],
  ['gpt-image-2', 'background', { background: 'clear' }],
  ['gpt-image-2', 'outputFormat', { outputFormat: 'gif' }],
  ['gpt-image-2', 'outputFormat', { outputFormat: 'jpg' }],
  ['gpt-image-2', 'outputFormat', { outputFormat: 'PNG' }],
  ['gpt-image-2', 'moderation', { moderation: 'high' }],
  ['gpt-image-2', 'moderation', { moderation: 'none' }],
  ['dall-e-3', 'responseFormat', { responseFormat: 'png' }],
  ['dall-e-2', 'responseFormat', { responseFormat: 'URL' }],
  ['gpt-image-2', 'stream', { stream: 'yes' }],
  ['gpt-image-2', 'user', { user: 'u'.repeat(2000) }],
  ['gpt-image-2', 'user', { user: 123 }],
];
for (const [model, field, extra] of FAMILY_FIELDS)
  generate('fields for the wrong family, ranges, enums', `${model} ${field} ${JSON.stringify(extra)}`, field, {
    prompt: PROMPT,
    model,
    ...extra,
  });

// ───────────── model, unknown fields, not an object ─────────────
generate('wrong types', 'model empty', 'model', { prompt: PROMPT, model: '' });
generate('wrong types', 'model number', 'model', { prompt: PROMPT, model: 3 });
generate('huge strings', 'model 300 characters', 'model', { prompt: PROMPT, model: `gpt-image-${'9'.repeat(290)}` });
generate('huge strings', 'model 100k characters', 'model', { prompt: PROMPT, model: 'm'.repeat(100_000) });
generate('unknown fields', 'output_format (snake case)', 'output_format', {
  prompt: PROMPT,
  model: 'gpt-image-2',
  output_format: 'png',
});
generate('unknown fields', 'sizes', 'sizes', { prompt: PROMPT, model: 'gpt-image-2', sizes: '1024x1024' });
generate('unknown fields', 'apiKey in the request', 'apiKey', { prompt: PROMPT, apiKey: 'sk-test-not-here' });
generate('unknown fields', 'constructor', 'constructor', { prompt: PROMPT, constructor: 'x' });
for (const [what, value] of [
  ['null', null],
  ['a string', 'a red fox'],
  ['a list', [PROMPT]],
  ['a number', 7],
] as Array<[string, unknown]>)
  generate('wrong types', `request is ${what}`, 'request', value, false);

// ───────────── edits: images, masks, fidelity, file names ─────────────
const square = greyPng(16, 16);
const wide = greyPng(32, 16);
const jpeg = Uint8Array.from([
  0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9,
]);
const text = new TextEncoder().encode('this is not an image at all');
const image = (bytes: Uint8Array, extra: Record<string, unknown> = {}) => ({ bytes, ...extra });

function edit(id: string, field: string, request: Record<string, unknown>, tool?: BadInput['tool']): void {
  entries.push({
    id,
    category: 'edit inputs',
    kind: 'edit',
    field,
    request,
    ...(tool ? { tool } : {}),
  });
}
const editTool = (args: Record<string, unknown>, field: string): BadInput['tool'] => ({
  name: 'edit_image',
  args: { prompt: 'add a hat', images: [IMAGE_PLACEHOLDER], ...args },
  field,
});

edit(
  'dall-e-3 cannot edit',
  'model',
  { prompt: 'add a hat', model: 'dall-e-3', images: [image(square)] },
  editTool({ model: 'dall-e-3' }, 'model'),
);
edit(
  'images empty list',
  'images',
  { prompt: 'add a hat', model: 'gpt-image-2', images: [] },
  editTool({ images: [] }, 'images'),
);
edit('images missing', 'images', { prompt: 'add a hat', model: 'gpt-image-2' });
edit(
  'images a path string',
  'images',
  { prompt: 'add a hat', model: 'gpt-image-2', images: '../../etc/passwd' },
  editTool({ images: '../../etc/passwd' }, 'images'),
);
edit('images[0] a path string', 'images[0]', { prompt: 'add a hat', model: 'gpt-image-2', images: ['/etc/passwd'] });
edit('images[0] 0 bytes', 'images[0]', {
  prompt: 'add a hat',
  model: 'gpt-image-2',
  images: [image(new Uint8Array())],
});
edit('images[0] not an image', 'images[0]', { prompt: 'add a hat', model: 'gpt-image-2', images: [image(text)] });
edit('images[0] bytes a string', 'images[0].bytes', {
  prompt: 'add a hat',
  model: 'gpt-image-2',
  images: [{ bytes: 'iVBORw0KGgo=' }],
});
edit('images[0] unknown key path', 'images[0].path', {
  prompt: 'add a hat',
  model: 'gpt-image-2',
  images: [image(square, { path: '/etc/passwd' })],
});
edit('images[0] filename empty', 'images[0].filename', {
  prompt: 'add a hat',
  model: 'gpt-image-2',
  images: [image(square, { filename: '' })],
});
edit('images[0] filename 300 characters', 'images[0].filename', {
  prompt: 'add a hat',
  model: 'gpt-image-2',
  images: [image(square, { filename: `${'f'.repeat(296)}.png` })],
});
edit('images[0] filename with NUL', 'images[0].filename', {
  prompt: 'add a hat',
  model: 'gpt-image-2',
  images: [image(square, { filename: 'fox\u0000.png' })],
});
edit('images[0] mimeType with CRLF', 'images[0].mimeType', {
  prompt: 'add a hat',
  model: 'gpt-image-2',
  images: [image(square, { mimeType: 'image/png\r\nX-Injected: 1' })],
});
edit('dall-e-2 edits a JPEG', 'images[0]', { prompt: 'add a hat', model: 'dall-e-2', images: [image(jpeg)] });
edit('dall-e-2 non-square', 'images[0]', { prompt: 'add a hat', model: 'dall-e-2', images: [image(wide)] });
edit('dall-e-2 two images', 'images', {
  prompt: 'add a hat',
  model: 'dall-e-2',
  images: [image(square), image(square)],
});
edit('gpt-image-2 17 images', 'images', {
  prompt: 'add a hat',
  model: 'gpt-image-2',
  images: Array.from({ length: 17 }, () => image(square)),
});
edit('mask JPEG', 'mask', { prompt: 'add a hat', model: 'gpt-image-2', images: [image(square)], mask: image(jpeg) });
edit('mask 0 bytes', 'mask', {
  prompt: 'add a hat',
  model: 'gpt-image-2',
  images: [image(square)],
  mask: image(new Uint8Array()),
});
edit('mask other size', 'mask', {
  prompt: 'add a hat',
  model: 'dall-e-2',
  images: [image(square)],
  mask: image(greyPng(8, 8)),
});
edit('mask a path string', 'mask', {
  prompt: 'add a hat',
  model: 'gpt-image-2',
  images: [image(square)],
  mask: '../mask.png',
});
edit(
  'inputFidelity medium',
  'inputFidelity',
  { prompt: 'add a hat', model: 'gpt-image-2', images: [image(square)], inputFidelity: 'medium' },
  editTool({ input_fidelity: 'medium' }, 'input_fidelity'),
);
edit(
  'gpt-image-1-mini inputFidelity',
  'inputFidelity',
  {
    prompt: 'add a hat',
    model: 'gpt-image-1-mini',
    images: [image(square)],
    inputFidelity: 'high',
  },
  editTool({ model: 'gpt-image-1-mini', input_fidelity: 'high' }, 'input_fidelity'),
);
edit('dall-e-2 inputFidelity', 'inputFidelity', {
  prompt: 'add a hat',
  model: 'dall-e-2',
  images: [image(square)],
  inputFidelity: 'low',
});
edit(
  'edit prompt empty',
  'prompt',
  { prompt: ' ', model: 'gpt-image-2', images: [image(square)] },
  editTool({ prompt: ' ' }, 'prompt'),
);
edit(
  'edit prompt NUL',
  'prompt',
  { prompt: 'hat\u0000', model: 'gpt-image-2', images: [image(square)] },
  editTool({ prompt: 'hat\u0000' }, 'prompt'),
);
edit(
  'edit dall-e-2 size',
  'size',
  { prompt: 'add a hat', model: 'dall-e-2', images: [image(square)], size: '1792x1024' },
  editTool({ model: 'dall-e-2', size: '1792x1024' }, 'size'),
);
edit(
  'edit n 0',
  'n',
  { prompt: 'add a hat', model: 'gpt-image-2', images: [image(square)], n: 0 },
  editTool({ n: 0 }, 'n'),
);

/** Every invalid request of the corpus (≥ 200). */
export const BAD_INPUTS: readonly BadInput[] = Object.freeze(entries);

// ───────────── MCP-only cases: file names and paths the tools take ─────────────

export interface BadToolInput {
  id: string;
  category: string;
  name: 'generate_image' | 'edit_image';
  args: Record<string, unknown>;
  /** the argument the error must name ("filename", "images", "images[0]", "mask") */
  field: string;
}

const toolEntries: BadToolInput[] = [];
const BAD_FILENAMES: Array<[string, string]> = [
  ['dot dot', '..'],
  ['parent directory', '../escape'],
  ['deep parent', '../../../../etc/passwd'],
  ['absolute', '/etc/passwd'],
  ['absolute in tmp', '/tmp/brushwork-escape.png'],
  ['Windows absolute', 'C:\\Windows\\system32\\fox.png'],
  ['backslash parent', '..\\escape.png'],
  ['sub directory', 'sub/dir.png'],
  ['NUL byte', 'fox\u0000.png'],
  ['hidden file', '.bashrc'],
  ['empty', ''],
  ['spaces', '   '],
  ['newline', 'fox\n.png'],
  ['300 characters', `${'f'.repeat(296)}.png`],
  ['RTL override', 'fox\u202Egnp.exe'],
  // Issue 14, finding 6: names the file system refuses only at save time, after the paid call. A saved
  // name must fit NAME_MAX (255 bytes, UTF-8) with "-10", a "-N" when taken, the extension and the temp file.
  ['80 CJK characters (240 bytes)', '字'.repeat(80)],
  ['60 emoji (240 bytes)', '🦊'.repeat(60)],
  ['197 characters, 231 bytes (ASCII and CJK)', `${'x'.repeat(180)}${'字'.repeat(17)}`],
  ['lone high surrogate', 'fox\uD800'],
  ['lone low surrogate before the extension', 'fox\uDC00.png'],
  ['only an extension after spaces', '  .png'],
  ['Windows device name', 'CON'],
];
for (const [what, filename] of BAD_FILENAMES)
  toolEntries.push({
    id: `generate_image filename ${what}`,
    category: 'file names',
    name: 'generate_image',
    args: { prompt: PROMPT, filename },
    field: 'filename',
  });

const BAD_PATHS: Array<[string, string]> = [
  ['parent directory', '../outside.png'],
  ['deep parent', '../../../../etc/passwd'],
  ['absolute outside', '/etc/passwd'],
  ['absolute, a real image outside', OUTSIDE_PLACEHOLDER],
  ['parent directory of a real image', '../outside.png'],
  ['dot segments back in', '../images/../outside.png'],
  ['NUL byte', 'fox\u0000.png'],
  ['file URL outside', 'file:///etc/passwd'],
  ['resource URI escaping', 'brushwork://images/../../etc/passwd'],
  ['resource URI encoded escape', 'brushwork://images/%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
  ['missing file', 'does-not-exist.png'],
  ['a directory', '.'],
  // Issue 14, finding 5: outside the allowed directories, missing paths are refused like existing ones.
  ['missing file outside', '../does-not-exist.png'],
  ['missing directory outside', '/nonexistent-brushwork-dir/fox.png'],
  ['missing file URL outside', 'file:///nonexistent-brushwork-dir/fox.png'],
];
for (const [what, path] of BAD_PATHS) {
  toolEntries.push({
    id: `edit_image images[0] ${what}`,
    category: 'paths',
    name: 'edit_image',
    args: { prompt: 'add a hat', images: [path] },
    field: 'images[0]',
  });
  toolEntries.push({
    id: `edit_image mask ${what}`,
    category: 'paths',
    name: 'edit_image',
    args: { prompt: 'add a hat', images: [IMAGE_PLACEHOLDER], mask: path },
    field: 'mask',
  });
}
toolEntries.push({
  id: 'edit_image images[1] parent directory',
  category: 'paths',
  name: 'edit_image',
  args: { prompt: 'add a hat', images: [IMAGE_PLACEHOLDER, '../../secret.png'] },
  field: 'images[1]',
});
toolEntries.push({
  id: 'edit_image 17 images',
  category: 'paths',
  name: 'edit_image',
  args: { prompt: 'add a hat', images: Array.from({ length: 17 }, () => IMAGE_PLACEHOLDER) },
  field: 'images',
});

/** Cases only the MCP tools have (file names, input paths). */
export const BAD_TOOL_INPUTS: readonly BadToolInput[] = Object.freeze(toolEntries);

/** Every MCP case: the corpus entries the tools can express, then the tool-only ones. */
export function badToolCalls(): BadToolInput[] {
  const fromCorpus = BAD_INPUTS.flatMap((entry) =>
    entry.tool
      ? [
          {
            id: entry.id,
            category: entry.category,
            name: entry.tool.name,
            args: entry.tool.args,
            field: entry.tool.field,
          },
        ]
      : [],
  );
  return [...fromCorpus, ...BAD_TOOL_INPUTS];
}

/** Whether a message names a field: the name as a word ("n" in "n 11 is too many", "images[0]"). */
export function namesField(message: string, field: string): boolean {
  const escaped = field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_])${escaped}($|[^A-Za-z0-9_])`).test(message);
}
