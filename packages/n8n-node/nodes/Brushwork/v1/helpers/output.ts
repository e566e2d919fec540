/** ImageResult → n8n items: one per image, binary with the right type and name, paired to its input. */
import {
  type Cost,
  costFields,
  detectProvenance,
  imageFileName,
  releaseBytes,
  type ImageRequest,
  type ImageResult,
} from '@brushwork/core';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

export async function imageItems(
  context: IExecuteFunctions,
  itemIndex: number,
  request: ImageRequest,
  result: ImageResult,
  binaryPropertyName: string,
  /** Each image's share of the cost (same order as result.images). */
  costs: readonly Cost[] = [],
): Promise<INodeExecutionData[]> {
  const date = new Date(result.created * 1000);
  const items: INodeExecutionData[] = [];
  for (const [position, image] of result.images.entries()) {
    // Read before the bytes are released: the image exactly as received (n8n stores these bytes as is).
    const provenance = detectProvenance(image.bytes);
    const cost = costs[position];
    const fileName = imageFileName({ prompt: request.prompt, index: image.index, extension: image.extension, date });
    // A view on the decoded bytes, not a copy: a 4K PNG is tens of MB.
    const binary = await context.helpers.prepareBinaryData(
      Buffer.from(image.bytes.buffer, image.bytes.byteOffset, image.bytes.byteLength),
      fileName,
      image.mimeType,
    );
    // n8n has stored the image (base64 in the item, or written to disk): free the decoded bytes now
    // rather than at the garbage collector's leisure, before n8n goes on to serialise the output.
    // `result` is not read again after this (only arrays the core allocated itself are freed).
    releaseBytes(image.bytes);
    binary.fileExtension = image.extension;
    const json: IDataObject = {
      prompt: request.prompt,
      revisedPrompt: image.revisedPrompt ?? null,
      model: result.model,
      size: `${image.width}x${image.height}`,
      quality: request.quality ?? null,
      created: result.created,
      usage: (result.usage as IDataObject | undefined) ?? null,
      index: image.index,
      provider: result.provider,
      mimeType: image.mimeType,
      fileName,
      cost: cost ? (costFields(cost) as unknown as IDataObject) : null,
      provenance,
    };
    if (request.style !== undefined) json.style = request.style;
    if (result.sandbox) json.sandbox = true;
    if (result.warnings.length > 0) json.warnings = [...result.warnings];
    if (image.contentFilterResults) json.contentFilterResults = image.contentFilterResults as IDataObject;
    if (result.requestIds.length > 0) json.requestIds = [...result.requestIds];
    items.push({ json, binary: { [binaryPropertyName]: binary }, pairedItem: { item: itemIndex } });
  }
  return items;
}
