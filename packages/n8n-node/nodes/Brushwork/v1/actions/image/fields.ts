/**
 * The model-dependent fields (n, size, quality, style, GPT image options), generated from the core's
 * model table: each field is offered only for models that take it, with only the values they accept.
 * Families that accept the same values share one field definition.
 */
import {
  allowedValues,
  describeSizes,
  FAMILIES,
  imageTypeName,
  type ModelFamily,
  OUTPUT_FORMATS,
  type OutputFormat,
} from '@brushwork/core';
import type { IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { onlyFor, onlyForUnknownModels, RULE_GROUPS, type RuleGroup } from './modelRules';

export type Operation = 'generate' | 'edit' | 'estimate';

type FieldDefinition = Omit<INodeProperties, 'displayOptions'>;

/** Value of the size picker that reveals the free-form size field. */
export const CUSTOM_SIZE = 'custom';

const LABELS: Record<string, string> = {
  auto: 'Auto',
  standard: 'Standard',
  hd: 'HD',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  vivid: 'Vivid',
  natural: 'Natural',
  transparent: 'Transparent',
  opaque: 'Opaque',
};

function option(value: string): INodePropertyOptions {
  const name = LABELS[value] ?? (isOutputFormat(value) ? imageTypeName(value) : value);
  return { name, value };
}

function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value);
}

function perRuleGroup(
  operation: Operation,
  build: (family: ModelFamily) => FieldDefinition | undefined,
  show: IDisplayOptions['show'] = {},
  generic?: FieldDefinition,
): INodeProperties[] {
  const buckets = new Map<string, { definition: FieldDefinition; groups: RuleGroup[] }>();
  for (const group of RULE_GROUPS) {
    if (operation === 'edit' && !group.family.supportsEdit) continue;
    const definition = build(group.family);
    if (!definition) continue;
    const key = JSON.stringify(definition);
    const bucket = buckets.get(key);
    if (bucket) bucket.groups.push(group);
    else buckets.set(key, { definition, groups: [group] });
  }
  // Estimate Cost takes Generate Image's fields (and the edit-only ones that change a price: `show` names them).
  const withShow = {
    ...show,
    operation: show.operation ?? (operation === 'generate' ? ['generate', 'estimate'] : [operation]),
  };
  const fields: INodeProperties[] = [...buckets.values()].map(({ definition, groups }) => ({
    ...definition,
    displayOptions: { show: withShow, hide: onlyFor(groups) },
  }));
  if (generic) fields.push({ ...generic, displayOptions: { show: withShow, hide: onlyForUnknownModels() } });
  return fields;
}

function numberOfImages(family: ModelFamily): FieldDefinition {
  const split =
    family.maxImagesPerCall < family.maxN
      ? ` ${family.label} makes ${family.maxImagesPerCall} per API call: more are made as parallel calls.`
      : '';
  const description = `How many images to make for each input item (1 to ${family.maxN}). Each becomes its own output item.${split}`;
  return {
    displayName: 'Number of Images',
    name: 'n',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: family.maxN },
    default: 1,
    description,
  };
}

function size(family: ModelFamily): FieldDefinition {
  const values = allowedValues(family, 'size');
  const free = family.sizes.kind === 'free';
  const fallback = family.defaults.size;
  return {
    displayName: 'Size',
    name: 'size',
    type: 'options',
    options: [...values.map(option), ...(free ? [{ name: 'Custom Size', value: CUSTOM_SIZE }] : [])],
    default: fallback,
    description: free ? `Width x height in pixels: ${describeSizes(family.sizes)}` : 'Width x height in pixels',
  };
}

function customSize(family: ModelFamily): FieldDefinition | undefined {
  if (family.sizes.kind !== 'free') return undefined;
  const fallback = family.sizes.suggested[0] ?? '1024x1024';
  return {
    displayName: 'Custom Size',
    name: 'customSize',
    type: 'string',
    default: fallback,
    placeholder: 'e.g. 1920x1088',
    description: `WIDTHxHEIGHT: ${describeSizes(family.sizes)}`,
  };
}

function enumField(
  family: ModelFamily,
  field: 'quality' | 'style' | 'background' | 'moderation' | 'outputFormat' | 'inputFidelity',
  displayName: string,
  description: string,
  fallback?: string,
): FieldDefinition | undefined {
  const values = allowedValues(family, field);
  if (values.length === 0) return undefined;
  const initial = fallback && values.includes(fallback) ? fallback : (values[0] as string);
  return {
    displayName,
    name: field,
    type: 'options',
    options: values.map(option),
    default: initial,
    description,
  };
}

function outputCompression(family: ModelFamily): FieldDefinition | undefined {
  if (!family.supportsOutputCompression) return undefined;
  const [min, max] = allowedValues(family, 'outputCompression').map(Number);
  const highest = max ?? 100;
  return {
    displayName: 'Output Compression',
    name: 'outputCompression',
    type: 'number',
    typeOptions: { minValue: min ?? 0, maxValue: max ?? 100 },
    default: highest,
    description: 'Compression level of JPEG and WebP output, 0 to 100 (100 keeps the most detail)',
  };
}

const GENERIC: Record<'n' | 'size' | 'quality' | 'style', FieldDefinition> = {
  n: {
    displayName: 'Number of Images',
    name: 'n',
    type: 'number',
    typeOptions: { minValue: 1 },
    default: 1,
    description:
      'How many images to make for each input item. This model is not in Brushwork’s table: the server judges.',
  },
  size: {
    displayName: 'Size',
    name: 'size',
    type: 'string',
    default: '',
    placeholder: 'e.g. 1024x1024',
    description: 'WIDTHxHEIGHT, or empty for the model’s default',
  },
  quality: {
    displayName: 'Quality',
    name: 'quality',
    type: 'string',
    default: '',
    description: 'Empty for the model’s default',
  },
  style: {
    displayName: 'Style',
    name: 'style',
    type: 'string',
    default: '',
    description: 'Empty for the model’s default (only some models take a style)',
  },
};

/** Every model-dependent field of one operation. */
export function modelFields(operation: Operation): INodeProperties[] {
  const fields: INodeProperties[] = [
    ...perRuleGroup(operation, numberOfImages, {}, GENERIC.n),
    ...perRuleGroup(operation, size, {}, GENERIC.size),
    ...perRuleGroup(operation, customSize, { size: [CUSTOM_SIZE] }),
    ...perRuleGroup(
      operation,
      (family) => enumField(family, 'quality', 'Quality', 'Rendering quality', family.defaults.quality),
      {},
      GENERIC.quality,
    ),
  ];
  if (operation === 'generate') {
    fields.push(
      ...perRuleGroup(
        operation,
        (family) => enumField(family, 'style', 'Style', 'The look of the image', family.defaults.style),
        {},
        GENERIC.style,
      ),
    );
  }
  fields.push(
    ...perRuleGroup(operation, (family) =>
      enumField(
        family,
        'background',
        'Background',
        'Transparent needs PNG or WebP output. Auto lets the model decide.',
        'auto',
      ),
    ),
    ...perRuleGroup(operation, (family) =>
      enumField(family, 'outputFormat', 'Output Format', 'File format of the images', family.defaults.outputFormat),
    ),
    ...perRuleGroup(operation, outputCompression, { outputFormat: ['jpeg', 'webp'] }),
  );
  if (operation === 'generate') {
    fields.push(
      ...perRuleGroup(operation, (family) =>
        enumField(family, 'moderation', 'Moderation', 'Low filters less strictly than auto', 'auto'),
      ),
    );
  } else {
    fields.push(
      ...perRuleGroup(operation, inputFidelity),
      // High fidelity costs more input tokens, so Estimate Cost for an edit asks for it too.
      ...perRuleGroup(operation, inputFidelity, { operation: ['estimate'], estimateFor: ['edit'] }),
    );
  }
  return fields;
}

function inputFidelity(family: ModelFamily): FieldDefinition | undefined {
  const field = enumField(
    family,
    'inputFidelity',
    'Input Fidelity',
    'How closely the result keeps the details (faces, logos) of the input images',
  );
  if (!field) return undefined;
  return {
    ...field,
    options: [{ name: 'Model Default', value: '' }, ...(field.options as INodePropertyOptions[])],
    default: '',
  };
}

/** Notices for families that cannot do an operation (e.g. DALL-E 3 cannot edit). */
export function unsupportedNotices(operation: Operation): INodeProperties[] {
  if (operation !== 'edit') return [];
  const groups = RULE_GROUPS.filter((group) => !group.family.supportsEdit);
  if (groups.length === 0) return [];
  const labels = [...new Set(groups.map((group) => group.family.label))].join(', ');
  const editors = FAMILIES.filter((family) => family.supportsEdit).map((family) => family.label);
  return [
    {
      displayName: `${labels} cannot edit images: pick a ${editors.join(', ')} model`,
      name: 'editNotSupportedNotice',
      type: 'notice',
      default: '',
      displayOptions: { show: { operation: ['edit'] }, hide: onlyFor(groups) },
    },
  ];
}
