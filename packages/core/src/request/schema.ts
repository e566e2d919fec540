/**
 * The request shape, written once: a zod schema for each request (types, enums, API-wide ranges,
 * unknown fields), the TypeScript types inferred from it, and the value lists consumers build their
 * own fields from. Family rules (models/) are checked on top by validate.ts.
 */
import * as z from 'zod';
import { FAMILIES } from '../models/families.js';

export const RESPONSE_FORMATS = ['url', 'b64_json'] as const;
export const BACKGROUNDS = ['transparent', 'opaque', 'auto'] as const;
export const MODERATIONS = ['low', 'auto'] as const;
export const OUTPUT_FORMATS = ['png', 'jpeg', 'webp'] as const;
export const INPUT_FIDELITIES = ['high', 'low'] as const;

/** No model takes a longer prompt than this; anything longer is rejected before any family check. */
export const LONGEST_PROMPT = Math.max(...FAMILIES.map((family) => family.maxPromptLength));
/** API-wide bounds (OpenAPI spec: n 1–10, partial_images 0–3, output_compression 0–100, up to 16 edit images). */
export const MAX_N = 10;
export const MAX_PARTIAL_IMAGES = 3;
export const MAX_OUTPUT_COMPRESSION = 100;
export const MAX_EDIT_IMAGES = 16;

const requestFields = {
  prompt: z.string().max(LONGEST_PROMPT * 4),
  /** Free string. Optional only for Azure deployment URLs, where the deployment picks the model. */
  model: z.string().min(1).max(256).optional(),
  n: z.number().int().min(1).max(MAX_N).optional(),
  /** "1024x1024", "1536x1024", "auto", any "WxH" a family allows. */
  size: z.string().max(64).optional(),
  quality: z.string().max(64).optional(),
  style: z.string().max(64).optional(),
  responseFormat: z.enum(RESPONSE_FORMATS).optional(),
  background: z.enum(BACKGROUNDS).optional(),
  moderation: z.enum(MODERATIONS).optional(),
  outputFormat: z.enum(OUTPUT_FORMATS).optional(),
  outputCompression: z.number().int().min(0).max(MAX_OUTPUT_COMPRESSION).optional(),
  user: z.string().max(1024).optional(),
  /** GPT image models: receive partial images over SSE. */
  stream: z.boolean().optional(),
  partialImages: z.number().int().min(0).max(MAX_PARTIAL_IMAGES).optional(),
};

/** Uint8Array over any buffer (a Node Buffer from a pool included), not only a plain ArrayBuffer. */
const BYTES: new (...args: never[]) => Uint8Array = Uint8Array;

/** Both end up in a multipart part's headers: no control characters, quotes or line breaks may pass. */
export const inputImageSchema = z.strictObject({
  bytes: z.instanceof(BYTES),
  filename: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^\u0000-\u001f\u007f"\\]+$/, { message: 'must not contain control characters, quotes or backslashes' })
    .optional(),
  mimeType: z
    .string()
    .min(1)
    .max(127)
    .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i, {
      message: 'must be a media type such as image/png',
    })
    .optional(),
});

/** The shape of an ImageRequest (types, enums, API-wide ranges; no family rules). */
export const imageRequestSchema = z.strictObject(requestFields);

/** The shape of an EditRequest. Image counts and file rules are checked by `validateEdit`. */
export const editRequestSchema = z.strictObject({
  ...requestFields,
  images: z.array(inputImageSchema),
  mask: inputImageSchema.optional(),
  inputFidelity: z.enum(INPUT_FIDELITIES).optional(),
});

export const GENERATE_FIELDS: readonly string[] = Object.keys(imageRequestSchema.shape);
export const EDIT_FIELDS: readonly string[] = Object.keys(editRequestSchema.shape);
export const INPUT_IMAGE_FIELDS: readonly string[] = Object.keys(inputImageSchema.shape);

/** What a user asks for. Field names are camelCase; providers map them to the wire. */
export type ImageRequest = z.infer<typeof imageRequestSchema>;
/** One input image of an edit: bytes, and optionally the file name and type to send (else sniffed). */
export type InputImage = z.infer<typeof inputImageSchema>;
/** One image (DALL-E 2) or up to 16 (GPT image models), an optional mask, inputFidelity. */
export type EditRequest = z.infer<typeof editRequestSchema>;
export type ImageSize = string;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];
export type Background = (typeof BACKGROUNDS)[number];
export type Moderation = (typeof MODERATIONS)[number];
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export type InputFidelity = (typeof INPUT_FIDELITIES)[number];
