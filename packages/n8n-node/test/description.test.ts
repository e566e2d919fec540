import { allowedValues, FAMILIES, resolveFamily, supportsField } from '@brushwork/core';
import { type INodeParameters, type INodeProperties, NodeHelpers } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json';
import { BrushworkV1 } from '../nodes/Brushwork/v1/BrushworkV1.node';
import { CUSTOM_SIZE } from '../nodes/Brushwork/v1/actions/image/fields';
import { groupOf } from '../nodes/Brushwork/v1/actions/image/modelRules';
import { NODE } from './context';

const description = new BrushworkV1().description;

function visible(values: INodeParameters): INodeProperties[] {
  return description.properties.filter((property) => NodeHelpers.displayParameter(values, property, NODE, description));
}

function values(model: unknown, operation = 'generate', extra: INodeParameters = {}): INodeParameters {
  return {
    provider: 'openai',
    resource: 'image',
    operation,
    model:
      typeof model === 'string' && !model.startsWith('=')
        ? { __rl: true, mode: 'id', value: model }
        : (model as string),
    ...extra,
  };
}

function field(shown: INodeProperties[], name: string): INodeProperties | undefined {
  const matches = shown.filter((property) => property.name === name);
  expect(matches.length, `${name} shown ${matches.length} times`).toBeLessThanOrEqual(1);
  return matches[0];
}

function optionValues(property: INodeProperties | undefined): string[] | undefined {
  return property?.options?.map((option) => String((option as { value: unknown }).value));
}

const MODELS = [
  'gpt-image-2',
  'GPT-Image-2',
  'gpt-image-2-2026-04-21',
  'gpt-image-2.6-flare',
  'openai/gpt-image-2',
  'gpt-image-1',
  'gpt-image-1.5',
  'gpt-image-1-mini',
  'gpt-image-10',
  'chatgpt-image-latest',
  'dall-e-2',
  'dall-e-3',
  'dall-e-3-2023-11-06',
  'acme-painter-7',
  'my/deployment',
];

describe('fields follow the core model table', () => {
  it.each(MODELS)('%s: the editor regexes pick the same family as the core', (model) => {
    expect(groupOf(model)?.family.id).toBe(resolveFamily(model)?.id);
  });

  it.each(MODELS)('%s (generate): each field shown once, only when the model takes it, with its values', (model) => {
    const family = resolveFamily(model);
    const shown = visible(values(model));
    const size = field(shown, 'size');
    const quality = field(shown, 'quality');
    const style = field(shown, 'style');
    if (!family) {
      // Unknown model: free-form fields, the server judges.
      expect(size?.type).toBe('string');
      expect(quality?.type).toBe('string');
      expect(style?.type).toBe('string');
      for (const name of ['background', 'outputFormat', 'moderation']) expect(field(shown, name)).toBeUndefined();
      return;
    }
    const sizes = [...allowedValues(family, 'size'), ...(family.sizes.kind === 'free' ? [CUSTOM_SIZE] : [])];
    expect(optionValues(size)).toEqual(sizes);
    expect(size?.default).toBe(family.defaults.size);
    expect(field(shown, 'n')?.typeOptions?.maxValue).toBe(family.maxN);
    const enums = ['quality', 'style', 'background', 'outputFormat', 'moderation'] as const;
    for (const name of enums) {
      const property = name === 'quality' ? quality : name === 'style' ? style : field(shown, name);
      if (supportsField(family, name)) expect(optionValues(property), name).toEqual([...allowedValues(family, name)]);
      else expect(property, name).toBeUndefined();
    }
    expect(field(shown, 'inputFidelity')).toBeUndefined();
  });

  it.each(MODELS)('%s (edit): input fidelity only where the model takes it, no style or moderation', (model) => {
    const family = resolveFamily(model);
    const shown = visible(values(model, 'edit'));
    expect(field(shown, 'style')?.type ?? 'none').not.toBe('options');
    expect(field(shown, 'moderation')).toBeUndefined();
    const fidelity = field(shown, 'inputFidelity');
    if (family?.supportsEdit && family.supportsInputFidelity)
      expect(optionValues(fidelity)).toEqual(['', 'high', 'low']);
    else expect(fidelity).toBeUndefined();
    const notice = field(shown, 'editNotSupportedNotice');
    expect(Boolean(notice)).toBe(Boolean(family && !family.supportsEdit));
    // Estimate Cost shows input fidelity when it estimates an edit, as Edit Image does, and not for Generate.
    const estimatingEdit = field(visible(values(model, 'estimate', { estimateFor: 'edit' })), 'inputFidelity');
    expect(optionValues(estimatingEdit)).toEqual(optionValues(fidelity));
    expect(field(visible(values(model, 'estimate', { estimateFor: 'generate' })), 'inputFidelity')).toBeUndefined();
  });

  it('custom size appears only when picked, for free-size families', () => {
    const free = FAMILIES.find((family) => family.sizes.kind === 'free');
    expect(free).toBeDefined();
    const model = free?.prefixes[0] as string;
    expect(field(visible(values(model)), 'customSize')).toBeUndefined();
    expect(field(visible(values(model, 'generate', { size: CUSTOM_SIZE })), 'customSize')?.type).toBe('string');
    expect(field(visible(values('dall-e-3', 'generate', { size: CUSTOM_SIZE })), 'customSize')).toBeUndefined();
  });

  it('output compression only for JPEG and WebP output', () => {
    expect(
      field(visible(values('gpt-image-2', 'generate', { outputFormat: 'png' })), 'outputCompression'),
    ).toBeUndefined();
    expect(
      field(visible(values('gpt-image-2', 'generate', { outputFormat: 'jpeg' })), 'outputCompression'),
    ).toBeDefined();
  });

  it('a model given as an expression gets the generic fields once each', () => {
    const shown = visible(values('={{ $json.model }}'));
    expect(field(shown, 'size')?.type).toBe('string');
    expect(field(shown, 'n')).toBeDefined();
  });

  it('credentials depend on the provider; the sandbox needs none', () => {
    const credentialsFor = (provider: string) =>
      (description.credentials ?? [])
        .filter((credential) => NodeHelpers.displayParameter({ provider }, credential, NODE, description))
        .map((credential) => credential.name);
    expect(credentialsFor('openai')).toEqual(['brushworkOpenAiApi']);
    expect(credentialsFor('azure')).toEqual(['brushworkAzureOpenAiApi']);
    expect(credentialsFor('azureEntraId')).toEqual(['brushworkAzureEntraOAuth2Api']);
    expect(credentialsFor('sandbox')).toEqual([]);
    const deployment = description.properties.find((property) => property.name === 'deployment');
    expect(deployment && NodeHelpers.displayParameter({ provider: 'azure' }, deployment, NODE, description)).toBe(true);
    expect(
      deployment && NodeHelpers.displayParameter({ provider: 'azureEntraId' }, deployment, NODE, description),
    ).toBe(true);
    expect(deployment && NodeHelpers.displayParameter({ provider: 'openai' }, deployment, NODE, description)).toBe(
      false,
    );
  });

  it("n8n's editor keeps Provider visible: no field the credentials depend on is a main auth field", () => {
    // The editor (getMainAuthField) hides every field the credentials' displayOptions name once one of
    // them is the main auth field: one called `authentication`, or one whose every option shows a
    // credential. Provider must stay (the Offline Sandbox needs no credential).
    const shownBy = new Map<string, Set<string>>();
    for (const credential of description.credentials ?? []) {
      for (const [name, values] of Object.entries(credential.displayOptions?.show ?? {})) {
        const set = shownBy.get(name) ?? new Set<string>();
        for (const value of values ?? []) set.add(String(value));
        shownBy.set(name, set);
      }
    }
    expect([...shownBy.keys()]).toEqual(['provider']);
    for (const [name, values] of shownBy) {
      expect(name).not.toBe('authentication');
      const options = description.properties.find((property) => property.name === name)?.options ?? [];
      const withoutCredential = options.filter((option) => !values.has(String((option as { value: unknown }).value)));
      expect(withoutCredential.map((option) => option.name)).toEqual(['Offline Sandbox']);
    }
  });

  it('the model list loads without a credential (the sandbox has none), so the editor asks for it', () => {
    const model = description.properties.find((property) => property.name === 'model');
    const listMode = model?.modes?.find((mode) => mode.name === 'list');
    expect(listMode?.typeOptions?.searchListMethod).toBe('searchModels');
    expect(listMode?.typeOptions?.skipCredentialsCheckInRLC).toBe(true);
  });

  it('defaults: the current GPT image model, binary property data, concurrency 10, usable as a tool', () => {
    const model = description.properties.find((property) => property.name === 'model');
    expect(model?.default).toEqual({ mode: 'list', value: 'gpt-image-2' });
    expect(description.properties.find((property) => property.name === 'binaryPropertyName')?.default).toBe('data');
    const options = description.properties.find((property) => property.name === 'options');
    const concurrency = ((options?.options ?? []) as INodeProperties[]).find((option) => option.name === 'concurrency');
    expect(concurrency?.default).toBe(10);
    expect(description.usableAsTool).toBe(true);
  });
});

describe('package.json fits n8n verification', () => {
  it('has no runtime dependencies and only n8n-workflow as a peer', () => {
    expect((packageJson as Record<string, unknown>).dependencies).toBeUndefined();
    expect(packageJson.peerDependencies).toEqual({ 'n8n-workflow': '*' });
    expect(packageJson.keywords).toContain('n8n-community-node-package');
    expect(packageJson.license).toBe('MIT');
    expect(packageJson.files).toEqual(['dist']);
    for (const path of [...packageJson.n8n.nodes, ...packageJson.n8n.credentials])
      expect(path).toMatch(/^dist\/.+\.js$/);
    expect(packageJson.n8n.strict).toBe(true);
  });
});
