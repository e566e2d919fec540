/** zod issues → Problems that name the field, the value and what would be accepted. */
import type * as z from 'zod';
import { listText } from '../models/describe.js';
import type { Problem } from '../types.js';
import { fromWireName } from './field-names.js';
import { describeType, excerpt, show } from './message-text.js';
import {
  EDIT_FIELDS,
  GENERATE_FIELDS,
  INPUT_IMAGE_FIELDS,
  LONGEST_PROMPT,
  MAX_N,
  MAX_OUTPUT_COMPRESSION,
  MAX_PARTIAL_IMAGES,
} from './schema.js';

type Issue = z.core.$ZodIssue;

function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (name, key) => (typeof key === 'number' ? `${name}[${key}]` : name ? `${name}.${String(key)}` : String(key)),
    '',
  );
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  Uint8Array: 'bytes (a Uint8Array or Buffer)',
};

export function issueToProblems(issue: Issue, raw: Record<string, unknown>, edit: boolean): Problem[] {
  const field = fieldName(issue.path);
  const value = valueAt(raw, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = edit ? EDIT_FIELDS : GENERATE_FIELDS;
      return issue.keys.map((key) => {
        const where = field ? `${field}.${key}` : key;
        const suggestion = suggestField(key, field ? INPUT_IMAGE_FIELDS : known);
        return {
          field: where,
          value: excerpt(valueAt(raw, [...issue.path, key])),
          message: suggestion
            ? `unknown field ${where}; did you mean ${suggestion}?`
            : `unknown field ${where}; known fields are ${listText(field ? INPUT_IMAGE_FIELDS : known, 'and')}`,
          allowed: field ? INPUT_IMAGE_FIELDS : known,
        };
      });
    }
    case 'invalid_type': {
      if (value === undefined) {
        return [{ field, message: `${field} is required${field === 'prompt' ? '; describe the image you want' : ''}` }];
      }
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      const hint =
        typeof value === 'string' &&
        value.trim() !== '' &&
        !Number.isNaN(Number(value)) &&
        /number|int/.test(issue.expected)
          ? ` (write ${value.trim()} without quotes)`
          : typeof value === 'string' && /^(true|false)$/.test(value) && issue.expected === 'boolean'
            ? ` (write ${value} without quotes)`
            : '';
      return [
        {
          field,
          value: excerpt(value),
          message: `${field} must be ${expected}, got ${describeType(value)}${hint}`,
        },
      ];
    }
    case 'invalid_value':
      return [
        {
          field,
          value: excerpt(value),
          message: `${field} ${show(value)} is not allowed; use ${listText(issue.values.map(String))}`,
          allowed: issue.values.map(String),
        },
      ];
    case 'too_big':
    case 'too_small': {
      const bound = Number(issue.code === 'too_big' ? issue.maximum : issue.minimum);
      if (issue.origin === 'string') {
        const length = typeof value === 'string' ? value.length : 0;
        if (field === 'prompt') {
          return [
            {
              field,
              value: excerpt(value),
              message: `prompt is ${length} characters long; no model accepts more than ${LONGEST_PROMPT}`,
            },
          ];
        }
        return [
          {
            field,
            value: excerpt(value),
            message:
              issue.code === 'too_big'
                ? `${field} is ${length} characters long; at most ${bound} are allowed`
                : `${field} is empty`,
          },
        ];
      }
      const range = NUMBER_RANGES[field];
      return [
        {
          field,
          value,
          message: range
            ? `${field} ${show(value)} is out of range; use ${range}`
            : `${field} ${show(value)} must be ${issue.code === 'too_big' ? 'at most' : 'at least'} ${bound}`,
        },
      ];
    }
    default:
      return [{ field: field || 'request', value: excerpt(value), message: `${field || 'request'}: ${issue.message}` }];
  }
}

const NUMBER_RANGES: Record<string, string> = {
  n: `1 to ${MAX_N}`,
  outputCompression: `0 to ${MAX_OUTPUT_COMPRESSION}`,
  partialImages: `0 to ${MAX_PARTIAL_IMAGES}`,
};

/** output_format → outputFormat, Quality → quality. */
function suggestField(key: string, known: readonly string[]): string | undefined {
  const lower = fromWireName(key).toLowerCase();
  return known.find((k) => k.toLowerCase() === lower);
}
