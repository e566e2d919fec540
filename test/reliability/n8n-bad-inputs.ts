// Bad inputs for the n8n node: each entry is one input item whose fields reach the Brushwork node through
// expressions (`={{ $json.size }}` …). Exactly one field is wrong; the others hold valid values, so the
// error item must name that field. Written from the reference's rule table (not from @brushwork/core), so
// a wrong acceptance in the core shows up as a request in the fake upstream's log.
//
// n8n-specific: only the node's own fields (prompt, n, size, quality, style, background, output format,
// output compression, moderation), for each model family the node offers them for. The shared corpus
// (test/reliability/bad-inputs.ts) is used too, for every entry that maps onto these fields.
import { BAD_INPUTS, TOOL_FIELDS } from './bad-inputs.ts';

/** The node's fields that can carry a bad value, by their core request name. */
export type NodeField =
  | 'prompt'
  | 'n'
  | 'size'
  | 'quality'
  | 'style'
  | 'background'
  | 'outputFormat'
  | 'outputCompression'
  | 'moderation';

export interface BadInputCase {
  /** a short label for reports */
  label: string;
  /** the model the Brushwork node is set to (one node per model) */
  model: string;
  /** the field whose value is wrong (the error item must name it) */
  field: NodeField;
  /** the item's JSON (every field the node reads for this model, one of them wrong) */
  item: Record<string, unknown>;
}

interface ModelProfile {
  model: string;
  /** valid values of the fields the node shows for this model */
  valid: Record<string, unknown>;
  maxPrompt: number;
  sizesBad: string[];
  qualitiesBad: string[];
  stylesBad?: string[];
  gpt: boolean;
}

/** Every node field for each model, set to a valid value. */
export const PROFILES: readonly ModelProfile[] = [
  {
    model: 'dall-e-2',
    valid: { prompt: 'A valid prompt', n: 1, size: '256x256', quality: 'standard' },
    maxPrompt: 1000,
    sizesBad: ['1024x1792', '1792x1024', '1536x1024', '300x300', '2048x2048', 'auto', '128x128'],
    qualitiesBad: ['hd', 'high', 'low', 'auto', 'ultra'],
    gpt: false,
  },
  {
    model: 'dall-e-3',
    valid: { prompt: 'A valid prompt', n: 1, size: '1024x1024', quality: 'standard', style: 'vivid' },
    maxPrompt: 4000,
    sizesBad: ['256x256', '512x512', '1536x1024', '1024x1536', '2048x2048', 'auto'],
    qualitiesBad: ['low', 'medium', 'high', 'auto', 'ultra'],
    stylesBad: ['cartoon', 'photographic', 'anime', 'natural-ish', 'none'],
    gpt: false,
  },
  {
    model: 'gpt-image-1.5',
    valid: {
      prompt: 'A valid prompt',
      n: 1,
      size: '1024x1024',
      quality: 'low',
      background: 'auto',
      outputFormat: 'png',
      outputCompression: 100,
      moderation: 'auto',
    },
    maxPrompt: 32000,
    sizesBad: ['256x256', '512x512', '1792x1024', '1024x1792', '2048x2048', '1920x1088'],
    qualitiesBad: ['standard', 'hd', 'ultra', 'max'],
    gpt: true,
  },
  {
    model: 'gpt-image-2',
    valid: {
      prompt: 'A valid prompt',
      n: 1,
      size: '1024x1024',
      quality: 'low',
      background: 'auto',
      outputFormat: 'png',
      outputCompression: 100,
      moderation: 'auto',
    },
    maxPrompt: 32000,
    sizesBad: [
      '1000x1000', // not multiples of 16
      '1024x1000',
      '4096x1024', // edge and ratio
      '3840x1024', // ratio 3.75:1
      '3856x2160', // edge over 3840
      '3840x2176', // pixels over 3840x2160
      '2160x3856',
      '16x4096',
      '0x0',
      '0x1024',
      '99999x99999',
    ],
    qualitiesBad: ['standard', 'hd', 'ultra', 'max'],
    gpt: true,
  },
];

/** Size strings that are no size at all (every family). */
const SIZE_SHAPES = [
  'big',
  '1024*1024',
  '1024x',
  'x1024',
  '1024 x 1024',
  '1024X1024x1',
  '-1024x1024',
  '1024.0x1024',
  '١٠٢٤x١٠٢٤', // Arabic-Indic digits
  '１０２４x１０２４', // full-width digits
  '1024x1024\u0000',
  '../../etc/passwd',
  '/etc/passwd',
  '1024x1024; rm -rf /',
];

const N_BAD: unknown[] = [0, -1, 11, 100, 1.5, 2.25, 'abc', 'two', 1e9, -0.5];

function promptsBad(maxPrompt: number): Array<[string, unknown]> {
  const over = maxPrompt + 1;
  return [
    ['empty', ''],
    ['spaces', '   '],
    ['whitespace', '\n\t \r\n'],
    ['ideographic spaces', '\u3000\u3000'],
    ['NUL', 'A cat\u0000 on a mat'],
    ['only NUL', '\u0000'],
    [`${over} chars`, 'a'.repeat(over)],
    [`${over} emoji`, '🎨'.repeat(over)],
    [`${over} CJK`, '画'.repeat(over)],
    [`${over} combining`, 'e\u0301'.repeat(Math.ceil(over / 2))],
    ['huge 200k', 'x'.repeat(200_000)],
    ['number', 42],
    ['object', { text: 'a cat' }],
    ['array', ['a', 'cat']],
  ];
}

function gptBad(): Array<[NodeField, string, unknown, Record<string, unknown>?]> {
  return [
    ['background', 'clear', 'clear'],
    ['background', 'none', 'none'],
    ['background', 'transparent+jpeg', 'transparent', { outputFormat: 'jpeg', outputCompression: 80 }],
    ['outputFormat', 'gif', 'gif'],
    ['outputFormat', 'bmp', 'bmp'],
    ['outputFormat', 'jpg', 'jpg'],
    ['outputFormat', 'PNG ', 'PNG'],
    ['outputCompression', '101', 101, { outputFormat: 'jpeg' }],
    ['outputCompression', '-1', -1, { outputFormat: 'jpeg' }],
    ['outputCompression', '12.5', 12.5, { outputFormat: 'webp' }],
    ['outputCompression', '1000', 1000, { outputFormat: 'webp' }],
    ['outputCompression', 'abc', 'abc', { outputFormat: 'jpeg' }],
    ['moderation', 'high', 'high'],
    ['moderation', 'none', 'none'],
    ['moderation', 'strict', 'strict'],
  ];
}

/** The whole corpus (about 250 items), grouped by model in a stable order. */
export function badInputCorpus(): BadInputCase[] {
  const cases: BadInputCase[] = [];
  for (const profile of PROFILES) {
    const add = (field: NodeField, label: string, value: unknown, extra: Record<string, unknown> = {}) =>
      cases.push({
        label: `${profile.model} ${field} ${label}`,
        model: profile.model,
        field,
        item: { ...profile.valid, ...extra, [field]: value },
      });
    for (const [label, value] of promptsBad(profile.maxPrompt)) add('prompt', label, value);
    for (const value of N_BAD) add('n', String(value), value);
    for (const value of [...profile.sizesBad, ...SIZE_SHAPES]) add('size', JSON.stringify(value), value);
    for (const value of profile.qualitiesBad) add('quality', value, value);
    for (const value of profile.stylesBad ?? []) add('style', value, value);
    if (profile.gpt) for (const [field, label, value, extra] of gptBad()) add(field, label, value, extra);
  }
  return cases;
}

/** The node's request fields: the tools' ones but the model (a resource locator of its own). */
const NODE_FIELDS: readonly string[] = [...TOOL_FIELDS].filter((field) => field !== 'model');
const GPT_ONLY = ['background', 'outputFormat', 'outputCompression', 'moderation'];
const TEXT_FIELDS = ['size', 'quality', 'style', 'background', 'outputFormat', 'moderation'];

/**
 * Whether the node passes a value on unchanged. It trims text fields (and turns '' / null into "not set"),
 * reads numbers with Number() and takes Output Compression only with JPEG or WebP output: entries that
 * rely on anything the node reads differently do not map.
 */
function passesUnchanged(field: string, value: unknown, request: Record<string, unknown>): boolean {
  if (value === undefined || value === null) return false;
  // items travel as JSON: NaN and Infinity arrive as null ("not set")
  if (typeof value === 'number' && !Number.isFinite(value)) return false;
  if (TEXT_FIELDS.includes(field)) return typeof value === 'string' && value.trim() === value && value !== '';
  if (field === 'n' || field === 'outputCompression') {
    if (value === '' || (typeof value === 'string' && !Number.isNaN(Number(value)))) return false;
    if (typeof value === 'boolean' || typeof value === 'object') return false;
  }
  if (field === 'outputCompression') return request.outputFormat === 'jpeg' || request.outputFormat === 'webp';
  return true;
}

/** The shared corpus's generate entries that the node can express (its models, its fields, no known gap). */
export function sharedCorpusCases(): BadInputCase[] {
  const cases: BadInputCase[] = [];
  for (const entry of BAD_INPUTS) {
    if (entry.kind !== 'generate') continue;
    const request = entry.request;
    if (!request || typeof request !== 'object' || Array.isArray(request)) continue;
    if (Object.getPrototypeOf(request) !== Object.prototype) continue;
    const fields = request as Record<string, unknown>;
    const profile = PROFILES.find((p) => p.model === fields.model);
    // the wrong field must be in the request (a missing one would get the item's valid value)
    if (!profile || !NODE_FIELDS.includes(entry.field) || !(entry.field in fields)) continue;
    const keys = Object.keys(fields).filter((key) => key !== 'model');
    const shown = (key: string) => key in profile.valid || (key === 'outputCompression' && profile.gpt);
    if (!keys.every((key) => NODE_FIELDS.includes(key) && shown(key))) continue;
    if (keys.some((key) => GPT_ONLY.includes(key)) && !profile.gpt) continue;
    if (!keys.every((key) => passesUnchanged(key, fields[key], fields))) continue;
    const { model: _model, ...values } = fields;
    cases.push({
      label: `shared: ${entry.id}`,
      model: profile.model,
      field: entry.field as NodeField,
      item: { ...profile.valid, ...values },
    });
  }
  return cases;
}

/** The n8n corpus: the shared entries that map onto the node, then the n8n ones not already there. */
export function n8nCorpus(): BadInputCase[] {
  const shared = sharedCorpusCases();
  const key = (c: BadInputCase) => `${c.model} ${JSON.stringify(c.item)}`;
  const seen = new Set(shared.map(key));
  const own = badInputCorpus().filter((c) => !seen.has(key(c)));
  return [...shared, ...own].sort(
    (a, b) => PROFILES.findIndex((p) => p.model === a.model) - PROFILES.findIndex((p) => p.model === b.model),
  );
}

/**
 * The reduced form's share of the corpus: every third case, plus the first case of every (model, field)
 * pair so that no field goes untested. Deterministic.
 */
export function reducedCorpus(cases: BadInputCase[]): BadInputCase[] {
  const seen = new Set<string>();
  return cases.filter((c, i) => {
    const key = `${c.model} ${c.field}`;
    const first = !seen.has(key);
    seen.add(key);
    return first || i % 3 === 0;
  });
}

/** The node parameters that read each field of the item through an expression. */
export function expressionParameters(model: string): Record<string, unknown> {
  const profile = PROFILES.find((p) => p.model === model);
  if (!profile) throw new Error(`no profile for ${model}`);
  const parameters: Record<string, unknown> = {
    prompt: '={{ $json.prompt }}',
    n: '={{ $json.n }}',
    size: '={{ $json.size }}',
    quality: '={{ $json.quality }}',
  };
  if ('style' in profile.valid) parameters.style = '={{ $json.style }}';
  if (profile.gpt) {
    parameters.background = '={{ $json.background }}';
    parameters.outputFormat = '={{ $json.outputFormat }}';
    parameters.outputCompression = '={{ $json.outputCompression }}';
    parameters.moderation = '={{ $json.moderation }}';
  }
  return parameters;
}
