/**
 * Request validation: the schema (schema.ts) for the shape, the family's rules (family-rules.ts) and
 * an edit's files (edit-inputs.ts) on top. Every problem is reported at once, each naming the field,
 * the value and what would be accepted. Pure, no I/O.
 *
 * n and fan-out: a family's `maxN` bounds n, not `maxImagesPerCall`. DALL-E 3 takes n=1 per API call, but
 * Brushwork accepts n up to 10 for it and makes one call per image (the client fans out; the wire always
 * gets n=1). A warning says so.
 */
import { ImageError } from '../errors/image-error.js';
import { resolveFamily } from '../models/resolve.js';
import type { EditRequest, ImageRequest, ModelFamily, Problem } from '../types.js';
import { add, type Context, has } from './context.js';
import { checkEditInputs } from './edit-inputs.js';
import { checkFamily, SIZE_PATTERN } from './family-rules.js';
import { describeType, excerpt, show } from './message-text.js';
import { issueToProblems } from './problems.js';
import { editRequestSchema, imageRequestSchema } from './schema.js';
import { isRecord } from '../util/values.js';

export type ValidationOutcome<T> = { ok: true; request: T; warnings: string[] } | { ok: false; problems: Problem[] };

// ───────────────────────────── public API ─────────────────────────────

/**
 * Validates a generation request. `family` defaults to the one resolved from `input.model`; with no family
 * (unknown model, Azure deployment without a known model) only the shape is checked.
 * Optional fields given as null are treated as absent.
 */
export function validateGenerate(input: unknown, family?: ModelFamily): ValidationOutcome<ImageRequest> {
  return run(input, family, false) as ValidationOutcome<ImageRequest>;
}

/** Validates an edit request: everything `validateGenerate` checks, plus images, mask and inputFidelity. */
export function validateEdit(input: unknown, family?: ModelFamily): ValidationOutcome<EditRequest> {
  return run(input, family, true) as ValidationOutcome<EditRequest>;
}

/** The error for a request that failed validation: kind invalid_request, every problem in the message. */
export function invalidRequestError(problems: Problem[]): ImageError {
  const message =
    problems.length === 0 ? 'Invalid request.' : `Invalid request: ${problems.map((p) => p.message).join('; ')}`;
  return new ImageError({ kind: 'invalid_request', message, problems, retryable: false });
}

function run(input: unknown, explicitFamily: ModelFamily | undefined, edit: boolean): ValidationOutcome<unknown> {
  if (!isRecord(input)) {
    return {
      ok: false,
      problems: [
        {
          field: 'request',
          value: describeType(input),
          message: `the request must be an object with at least a prompt, got ${describeType(input)}`,
        },
      ],
    };
  }
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (value !== null && value !== undefined) raw[key] = value;

  const schema = edit ? editRequestSchema : imageRequestSchema;
  const parsed = schema.safeParse(raw);
  const model = typeof raw.model === 'string' ? raw.model : undefined;
  const family = explicitFamily ?? resolveFamily(model);
  const ctx: Context = {
    raw,
    bad: new Set(),
    problems: [],
    warnings: [],
    family,
    name: model?.trim() || family?.label || 'this model',
    edit,
  };
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.problems.push(...issueToProblems(issue, raw, edit));
    for (const issue of parsed.error.issues) if (issue.path.length > 0) ctx.bad.add(String(issue.path[0]));
  }

  checkPrompt(ctx);
  checkSizeShape(ctx);
  if (family) checkFamily(ctx, family);
  if (edit) checkEditInputs(ctx);

  if (ctx.problems.length > 0 || !parsed.success) return { ok: false, problems: ctx.problems };
  const request = { ...parsed.data } as ImageRequest;
  if (request.partialImages !== undefined && request.stream !== true) {
    ctx.warnings.push(`partialImages ${request.partialImages} was dropped: it only applies with stream: true`);
    delete request.partialImages;
  }
  return { ok: true, request, warnings: ctx.warnings };
}

/** White space and invisible format characters (zero-width spaces, bidi controls): a prompt of only these is empty. */
const INVISIBLE = /[\p{White_Space}\p{Cf}]/gu;
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkPrompt(ctx: Context): void {
  if (!has(ctx, 'prompt')) return;
  const prompt = ctx.raw.prompt as string;
  if (prompt.replace(INVISIBLE, '').length === 0) {
    add(ctx, { field: 'prompt', value: prompt, message: 'prompt is empty; describe the image you want' });
  } else if (UNPAIRED_SURROGATE.test(prompt)) {
    add(ctx, {
      field: 'prompt',
      value: excerpt(prompt),
      message: 'prompt contains broken Unicode (an unpaired UTF-16 surrogate); fix the text encoding',
    });
  } else if (prompt.includes('\u0000')) {
    add(ctx, {
      field: 'prompt',
      value: excerpt(prompt),
      message: 'prompt contains a NUL character (\\u0000); remove it',
    });
  }
}

function checkSizeShape(ctx: Context): void {
  if (!has(ctx, 'size')) return;
  const size = ctx.raw.size as string;
  if (size === 'auto' || SIZE_PATTERN.test(size)) return;
  add(ctx, {
    field: 'size',
    value: size,
    message: `size ${show(size)} is not a size; write WIDTHxHEIGHT (for example 1024x1024) or auto`,
  });
}
