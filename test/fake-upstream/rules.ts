// The fake upstream's own rule table. Written from the reference (images-api.md §2/§3) and the
// official spec, deliberately NOT shared with @brushwork/core: it is the judge the core is checked against.

export type FakeFamilyId = 'dall-e-2' | 'dall-e-3' | 'gpt-image' | 'gpt-image-2';

export interface FakeFamily {
  id: FakeFamilyId;
  /** model id prefixes; the longest matching prefix over all families wins */
  prefixes: string[];
  maxPromptChars: number;
  maxN: number;
  /** fixed list, or 'free' (GPT image 2: WxH rule) */
  sizes: string[] | 'free';
  defaultSize: string;
  qualities: string[];
  styles: string[];
  /** response_format accepted? (GPT image models always answer b64_json and refuse the field) */
  responseFormat: boolean;
  defaultResponseFormat: 'url' | 'b64_json';
  /** background, moderation, output_format, output_compression, stream, partial_images */
  gptFields: boolean;
  edits: boolean;
  maxEditImages: number;
  inputFidelity: boolean;
}

export const FAKE_FAMILIES: readonly FakeFamily[] = [
  {
    id: 'dall-e-2',
    prefixes: ['dall-e-2'],
    maxPromptChars: 1000,
    maxN: 10,
    sizes: ['256x256', '512x512', '1024x1024'],
    defaultSize: '1024x1024',
    qualities: ['standard'],
    styles: [],
    responseFormat: true,
    defaultResponseFormat: 'url',
    gptFields: false,
    edits: true,
    maxEditImages: 1,
    inputFidelity: false,
  },
  {
    id: 'dall-e-3',
    prefixes: ['dall-e-3'],
    maxPromptChars: 4000,
    maxN: 1,
    sizes: ['1024x1024', '1792x1024', '1024x1792'],
    defaultSize: '1024x1024',
    qualities: ['standard', 'hd'],
    styles: ['vivid', 'natural'],
    responseFormat: true,
    defaultResponseFormat: 'url',
    gptFields: false,
    edits: false,
    maxEditImages: 0,
    inputFidelity: false,
  },
  {
    id: 'gpt-image',
    prefixes: ['gpt-image-1', 'chatgpt-image'],
    maxPromptChars: 32000,
    maxN: 10,
    sizes: ['1024x1024', '1536x1024', '1024x1536', 'auto'],
    defaultSize: 'auto',
    qualities: ['low', 'medium', 'high', 'auto'],
    styles: [],
    responseFormat: false,
    defaultResponseFormat: 'b64_json',
    gptFields: true,
    edits: true,
    maxEditImages: 16,
    inputFidelity: true,
  },
  {
    id: 'gpt-image-2',
    prefixes: ['gpt-image-2', 'gpt-image-3', 'gpt-image-4'],
    maxPromptChars: 32000,
    maxN: 10,
    sizes: 'free',
    defaultSize: 'auto',
    qualities: ['low', 'medium', 'high', 'auto'],
    styles: [],
    responseFormat: false,
    defaultResponseFormat: 'b64_json',
    gptFields: true,
    edits: true,
    maxEditImages: 16,
    inputFidelity: true,
  },
];

/** Longest-prefix match of a model id to a family; undefined = the fake does not serve it. */
export function familyOfModel(model: string): FakeFamily | undefined {
  let best: FakeFamily | undefined;
  let bestLen = 0;
  for (const family of FAKE_FAMILIES) {
    for (const prefix of family.prefixes) {
      if (model.startsWith(prefix) && prefix.length > bestLen) {
        best = family;
        bestLen = prefix.length;
      }
    }
  }
  return best;
}

/** GPT image 2 free sizes: both sides multiples of 16, long:short ≤ 3, long side ≤ 3840, pixels ≤ 3840*2160. */
export const FREE_SIZE_MAX_EDGE = 3840;
export const FREE_SIZE_MAX_PIXELS = 3840 * 2160;

export function parseSize(size: string): { width: number; height: number } | undefined {
  const m = /^(\d{1,5})x(\d{1,5})$/.exec(size);
  if (!m) return undefined;
  return { width: Number(m[1]), height: Number(m[2]) };
}

function freeSizeProblem(size: string): string | undefined {
  if (size === 'auto') return undefined;
  const dims = parseSize(size);
  if (!dims) return `Invalid size '${size}'. Use WIDTHxHEIGHT (for example 1024x1024) or 'auto'.`;
  const { width, height } = dims;
  if (width <= 0 || height <= 0) return `Invalid size '${size}': width and height must be positive.`;
  if (width % 16 !== 0 || height % 16 !== 0)
    return `Invalid size '${size}': width and height must both be multiples of 16.`;
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  if (long > 3 * short) return `Invalid size '${size}': the aspect ratio must be between 1:3 and 3:1.`;
  if (long > FREE_SIZE_MAX_EDGE || width * height > FREE_SIZE_MAX_PIXELS)
    return `Invalid size '${size}': the largest supported size is 3840x2160 (${FREE_SIZE_MAX_PIXELS} pixels, longest edge ${FREE_SIZE_MAX_EDGE}).`;
  return undefined;
}

export interface RuleViolation {
  status: number;
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

function violation(param: string | null, code: string, message: string): RuleViolation {
  return { status: 400, message, type: 'invalid_request_error', param, code };
}

const GENERATE_FIELDS = new Set([
  'prompt',
  'model',
  'n',
  'size',
  'quality',
  'style',
  'response_format',
  'background',
  'moderation',
  'output_format',
  'output_compression',
  'stream',
  'partial_images',
  'user',
]);
const EDIT_FIELDS = new Set([...GENERATE_FIELDS, 'image', 'image[]', 'images', 'mask', 'input_fidelity']);
EDIT_FIELDS.delete('style');

function list(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

function codePoints(s: string): number {
  let count = 0;
  for (const _ of s) count++;
  return count;
}

/** What the fake will produce once a request is accepted. */
export interface AcceptedRequest {
  model: string;
  family: FakeFamily;
  prompt: string;
  n: number;
  width: number;
  height: number;
  /** size echoed by GPT image responses (auto resolved) */
  size: string;
  quality: string;
  style: string | undefined;
  responseFormat: 'url' | 'b64_json';
  background: 'transparent' | 'opaque';
  outputFormat: 'png' | 'jpeg' | 'webp';
  outputCompression: number | undefined;
  stream: boolean;
  partialImages: number;
}

export type Fields = Record<string, unknown>;

/**
 * Normalised field access: JSON values as they are; multipart values are strings, converted when
 * `fromForm` is set (n, output_compression, partial_images → integers; stream → boolean).
 */
function readInt(fields: Fields, name: string, fromForm: boolean): number | undefined | RuleViolation {
  const raw = fields[name];
  if (raw === undefined || raw === null) return undefined;
  let value = raw;
  if (fromForm && typeof raw === 'string' && /^-?\d+$/.test(raw.trim())) value = Number(raw.trim());
  if (typeof value !== 'number' || !Number.isInteger(value))
    return violation(
      name,
      'invalid_type',
      `Invalid type for '${name}': expected an integer, but got ${typeof raw === 'string' ? `a string '${raw}'` : typeof raw}.`,
    );
  return value;
}

function readString(fields: Fields, name: string): string | undefined | RuleViolation {
  const raw = fields[name];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string')
    return violation(name, 'invalid_type', `Invalid type for '${name}': expected a string, but got ${typeof raw}.`);
  return raw;
}

function readBool(fields: Fields, name: string, fromForm: boolean): boolean | undefined | RuleViolation {
  const raw = fields[name];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'boolean') return raw;
  if (fromForm && (raw === 'true' || raw === 'false')) return raw === 'true';
  return violation(name, 'invalid_type', `Invalid type for '${name}': expected a boolean, but got ${typeof raw}.`);
}

function isViolation(v: unknown): v is RuleViolation {
  return typeof v === 'object' && v !== null && 'status' in v && 'code' in v;
}

function enumCheck(
  name: string,
  value: string | undefined,
  allowed: readonly string[],
  model: string,
): RuleViolation | undefined {
  if (value === undefined) return undefined;
  if (allowed.length === 0)
    return violation(
      name,
      'unsupported_parameter',
      `Unsupported parameter: '${name}' is not supported with model '${model}'.`,
    );
  if (!allowed.includes(value))
    return violation(
      name,
      'invalid_value',
      `Invalid value: '${value}'. Supported values for '${name}' with model '${model}' are: ${list(allowed)}.`,
    );
  return undefined;
}

export interface CheckOptions {
  kind: 'generate' | 'edit';
  /** multipart form: values arrive as strings */
  fromForm: boolean;
  /** model to use when the body has none (the route's default, or an Azure deployment's model) */
  defaultModel: string;
  /** fields that the route tolerates on top of the family's (none by default) */
  ignoreFields?: readonly string[];
}

/**
 * Checks one request body against the rule table. Returns the first violation (the real API
 * answers one problem at a time) or the accepted, normalised request.
 */
export function checkImageRequest(fields: Fields, options: CheckOptions): RuleViolation | AcceptedRequest {
  const known = options.kind === 'edit' ? EDIT_FIELDS : GENERATE_FIELDS;
  for (const name of Object.keys(fields)) {
    if (options.ignoreFields?.includes(name)) continue;
    if (!known.has(name)) return violation(name, 'unknown_parameter', `Unknown parameter: '${name}'.`);
  }

  const modelField = readString(fields, 'model');
  if (isViolation(modelField)) return modelField;
  const model = modelField ?? options.defaultModel;
  const family = familyOfModel(model);
  if (!family) {
    return {
      status: 404,
      message: `The model \`${model}\` does not exist or you do not have access to it.`,
      type: 'invalid_request_error',
      param: null,
      code: 'model_not_found',
    };
  }
  if (options.kind === 'edit' && !family.edits)
    return violation(
      'model',
      'invalid_value',
      `Invalid value: '${model}'. Image edits are not supported for this model; use dall-e-2 or a GPT image model.`,
    );

  const prompt = readString(fields, 'prompt');
  if (isViolation(prompt)) return prompt;
  if (prompt === undefined)
    return violation('prompt', 'missing_required_parameter', "Missing required parameter: 'prompt'.");
  if (prompt.length === 0)
    return violation(
      'prompt',
      'empty_string',
      "Invalid 'prompt': empty string. Expected a string with minimum length 1.",
    );
  const promptChars = codePoints(prompt);
  if (promptChars > family.maxPromptChars)
    return violation(
      'prompt',
      'string_above_max_length',
      `Invalid 'prompt': string too long. Expected a string with maximum length ${family.maxPromptChars}, but got a string with length ${promptChars} instead.`,
    );

  const n = readInt(fields, 'n', options.fromForm);
  if (isViolation(n)) return n;
  if (n !== undefined) {
    if (n < 1)
      return violation(
        'n',
        'integer_below_min_value',
        `Invalid 'n': integer below minimum value. Expected a value >= 1, but got ${n} instead.`,
      );
    if (family.maxN === 1 && n !== 1) return violation('n', 'invalid_value', 'You must provide n=1 for this model.');
    if (n > family.maxN)
      return violation(
        'n',
        'integer_above_max_value',
        `Invalid 'n': integer above maximum value. Expected a value <= ${family.maxN}, but got ${n} instead.`,
      );
  }

  const size = readString(fields, 'size');
  if (isViolation(size)) return size;
  if (size !== undefined) {
    if (family.sizes === 'free') {
      const problem = freeSizeProblem(size);
      if (problem) return violation('size', 'invalid_value', problem);
    } else if (!family.sizes.includes(size)) {
      return violation(
        'size',
        'invalid_value',
        `Invalid value: '${size}'. Supported values for 'size' with model '${model}' are: ${list(family.sizes)}.`,
      );
    }
  }

  const quality = readString(fields, 'quality');
  if (isViolation(quality)) return quality;
  const qualityProblem = enumCheck('quality', quality, family.qualities, model);
  if (qualityProblem) return qualityProblem;

  if (options.kind === 'generate') {
    const style = readString(fields, 'style');
    if (isViolation(style)) return style;
    const styleProblem = enumCheck('style', style, family.styles, model);
    if (styleProblem) return styleProblem;
  }

  const responseFormat = readString(fields, 'response_format');
  if (isViolation(responseFormat)) return responseFormat;
  if (responseFormat !== undefined) {
    if (!family.responseFormat)
      return violation('response_format', 'unknown_parameter', "Unknown parameter: 'response_format'.");
    const p = enumCheck('response_format', responseFormat, ['url', 'b64_json'], model);
    if (p) return p;
  }

  // GPT-only fields
  const gpt: Record<string, readonly string[]> = {
    background: ['transparent', 'opaque', 'auto'],
    moderation: ['low', 'auto'],
    output_format: ['png', 'jpeg', 'webp'],
  };
  const gptValues: Record<string, string | undefined> = {};
  for (const [name, allowed] of Object.entries(gpt)) {
    const value = readString(fields, name);
    if (isViolation(value)) return value;
    const p = enumCheck(name, value, family.gptFields ? allowed : [], model);
    if (p) return p;
    gptValues[name] = value;
  }
  const compression = readInt(fields, 'output_compression', options.fromForm);
  if (isViolation(compression)) return compression;
  const stream = readBool(fields, 'stream', options.fromForm);
  if (isViolation(stream)) return stream;
  const partialImages = readInt(fields, 'partial_images', options.fromForm);
  if (isViolation(partialImages)) return partialImages;
  for (const [name, value] of [
    ['output_compression', compression],
    ['stream', stream],
    ['partial_images', partialImages],
  ] as const) {
    if (value !== undefined && !family.gptFields && !(name === 'stream' && value === false))
      return violation(
        name,
        'unsupported_parameter',
        `Unsupported parameter: '${name}' is not supported with model '${model}'.`,
      );
  }
  const outputFormat = (gptValues['output_format'] ?? 'png') as 'png' | 'jpeg' | 'webp';
  if (gptValues['background'] === 'transparent' && outputFormat === 'jpeg')
    return violation(
      'background',
      'invalid_value',
      "Invalid value: 'transparent'. A transparent background needs output_format 'png' or 'webp'.",
    );
  if (compression !== undefined) {
    if (compression < 0 || compression > 100)
      return violation(
        'output_compression',
        'invalid_value',
        `Invalid 'output_compression': expected a value between 0 and 100, but got ${compression} instead.`,
      );
    if (outputFormat === 'png' && compression !== 100)
      return violation(
        'output_compression',
        'invalid_value',
        "Invalid 'output_compression': compression below 100 is only supported for output_format 'jpeg' or 'webp'.",
      );
  }
  if (partialImages !== undefined && (partialImages < 0 || partialImages > 3))
    return violation(
      'partial_images',
      'invalid_value',
      `Invalid 'partial_images': expected a value between 0 and 3, but got ${partialImages} instead.`,
    );

  if (options.kind === 'edit') {
    const fidelity = readString(fields, 'input_fidelity');
    if (isViolation(fidelity)) return fidelity;
    const allowed = family.inputFidelity && !model.startsWith('gpt-image-1-mini') ? ['high', 'low'] : [];
    const p = enumCheck('input_fidelity', fidelity, allowed, model);
    if (p) return p;
  }

  const user = readString(fields, 'user');
  if (isViolation(user)) return user;

  const sizeText = size ?? family.defaultSize;
  const resolved = sizeText === 'auto' ? '1024x1024' : sizeText;
  const dims = parseSize(resolved) ?? { width: 1024, height: 1024 };
  return {
    model,
    family,
    prompt,
    n: n ?? 1,
    width: dims.width,
    height: dims.height,
    size: resolved,
    quality: quality === undefined || quality === 'auto' ? (family.gptFields ? 'medium' : 'standard') : quality,
    style: family.styles.length > 0 ? ((readString(fields, 'style') as string | undefined) ?? 'vivid') : undefined,
    responseFormat: (responseFormat as 'url' | 'b64_json' | undefined) ?? family.defaultResponseFormat,
    background: gptValues['background'] === 'transparent' ? 'transparent' : 'opaque',
    outputFormat,
    outputCompression: compression,
    stream: stream ?? false,
    partialImages: partialImages ?? 0,
  };
}

export function isRuleViolation(v: RuleViolation | AcceptedRequest): v is RuleViolation {
  return 'status' in v;
}

/** Model defaults when the body names none, as the service picks them. */
export function defaultModelFor(kind: 'generate' | 'edit', fields: Fields): string {
  if (kind === 'edit') return 'gpt-image-1.5';
  const gptOnly = ['background', 'moderation', 'output_format', 'output_compression', 'stream', 'partial_images'];
  return gptOnly.some((f) => fields[f] !== undefined && fields[f] !== null) ? 'gpt-image-1.5' : 'dall-e-2';
}

export interface UploadedImage {
  field: string;
  filename: string | undefined;
  contentType: string | undefined;
  data: Uint8Array;
}

const MB = 1024 * 1024;

/** Format from the magic bytes (the service looks at the bytes, not the file name). */
export function sniffUpload(data: Uint8Array): 'png' | 'jpeg' | 'webp' | undefined {
  if (data.length >= 8 && data[0] === 0x89 && data[1] === 0x50 && data[2] === 0x4e && data[3] === 0x47) return 'png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (
    data.length >= 12 &&
    String.fromCharCode(data[0]!, data[1]!, data[2]!, data[3]!) === 'RIFF' &&
    String.fromCharCode(data[8]!, data[9]!, data[10]!, data[11]!) === 'WEBP'
  )
    return 'webp';
  return undefined;
}

export function pngDimensions(data: Uint8Array): { width: number; height: number } | undefined {
  if (sniffUpload(data) !== 'png' || data.length < 24) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Edit inputs: image / image[] and mask, per family. */
export function checkEditImages(
  images: UploadedImage[],
  mask: UploadedImage | undefined,
  accepted: AcceptedRequest,
): RuleViolation | undefined {
  const family = accepted.family;
  const param = images[0]?.field ?? 'image';
  if (images.length === 0)
    return violation('image', 'missing_required_parameter', "Missing required parameter: 'image'.");
  if (images.length > family.maxEditImages)
    return violation(
      param,
      'invalid_value',
      `Too many images: ${images.length}. Model '${accepted.model}' accepts at most ${family.maxEditImages} input image${family.maxEditImages === 1 ? '' : 's'}.`,
    );
  for (const image of images) {
    const format = sniffUpload(image.data);
    if (family.id === 'dall-e-2') {
      if (format !== 'png')
        return violation(param, 'invalid_image_format', "Invalid input image - format must be in ['png'].");
      if (image.data.length >= 4 * MB)
        return violation(param, 'image_too_large', 'Invalid input image - image must be less than 4 MB.');
      const dims = pngDimensions(image.data);
      if (!dims || dims.width !== dims.height)
        return violation(param, 'invalid_image', 'Invalid input image - image must be square.');
    } else {
      if (!format)
        return violation(
          param,
          'invalid_image_format',
          "Invalid input image - format must be in ['png', 'jpeg', 'webp'].",
        );
      if (image.data.length >= 50 * MB)
        return violation(param, 'image_too_large', 'Invalid input image - image must be less than 50 MB.');
    }
  }
  if (mask) {
    if (sniffUpload(mask.data) !== 'png')
      return violation('mask', 'invalid_image_format', "Invalid mask image - format must be in ['png'].");
    if (mask.data.length >= 4 * MB)
      return violation('mask', 'image_too_large', 'Invalid mask image - image must be less than 4 MB.');
    const first = pngDimensions(images[0]!.data);
    const maskDims = pngDimensions(mask.data);
    if (first && maskDims && (first.width !== maskDims.width || first.height !== maskDims.height))
      return violation(
        'mask',
        'invalid_image',
        `Invalid mask image - mask size ${maskDims.width}x${maskDims.height} must match the image size ${first.width}x${first.height}.`,
      );
  }
  return undefined;
}
