/**
 * The Brushwork viewer (MCP Apps): shows the images of a generate_image / edit_image result inside the
 * host's chat, preview first, then the full-resolution file read through the host
 * (resources/read brushwork://images/…). Actions call the server's tools back through the host:
 * Variations (same prompt, n more), Edit (a new prompt on the selected image), Open file.
 */
import { applyHostContext, HostBridge } from './bridge.js';
import {
  errorText,
  fileUrl,
  groupFromResult,
  type ShownGroup,
  type ShownImage,
  type ToolArguments,
  variationArguments,
} from './gallery.js';

const host = new HostBridge({ name: 'Brushwork viewer', version: '1.0.0' });

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const gallery = $<HTMLElement>('gallery');
const status = $<HTMLElement>('status');
const variationsButton = $<HTMLButtonElement>('variations');
const moreInput = $<HTMLInputElement>('more');
// No <form>: hosts sandbox the frame without allow-forms, which blocks form submission.
const editForm = $<HTMLElement>('edit-form');
const editButton = $<HTMLButtonElement>('edit');
const editPrompt = $<HTMLInputElement>('edit-prompt');
const editTarget = $<HTMLElement>('edit-target');

let lastArguments: ToolArguments = {};
let selected: ShownImage | undefined;
let busy = false;

function say(text: string, kind: 'info' | 'error' = 'info'): void {
  status.textContent = text;
  status.dataset.kind = kind;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}) {
  return Object.assign(document.createElement(tag), props);
}

function select(image: ShownImage, button: HTMLButtonElement): void {
  selected = image;
  for (const other of gallery.querySelectorAll<HTMLButtonElement>('button.thumb')) {
    other.setAttribute('aria-pressed', String(other === button));
  }
  editTarget.textContent = `Editing ${image.path.split(/[\\/]/).pop()}`;
  setBusy(busy);
}

/** Swaps the preview for the full-resolution file once the host has read it. */
async function loadFullResolution(image: ShownImage, img: HTMLImageElement): Promise<void> {
  try {
    const file = (await host.readResource(image.uri))[0];
    if (typeof file?.blob !== 'string') throw new Error('no image data');
    const full = new Image();
    full.src = `data:${file.mimeType ?? image.mimeType};base64,${file.blob}`;
    await full.decode();
    img.src = full.src;
    img.dataset.resolution = 'full';
  } catch (error) {
    img.dataset.resolution = img.dataset.resolution ?? 'none';
    say(`Full resolution unavailable: ${error instanceof Error ? error.message : String(error)}`, 'error');
  }
}

async function openFile(image: ShownImage): Promise<void> {
  if (await host.openLink(fileUrl(image.path)).catch(() => false)) return;
  const name = image.path.split(/[\\/]/).pop() ?? 'image';
  const saved = await host
    .downloadFile([{ type: 'resource_link', uri: image.uri, name, mimeType: image.mimeType }])
    .catch(() => false);
  if (!saved) say(`The host would not open the file; it is at ${image.path}`, 'error');
}

function renderImage(image: ShownImage, index: number, group: ShownGroup): HTMLLIElement {
  const item = element('li', { className: 'card' });
  const thumb = element('button', { className: 'thumb', type: 'button' });
  thumb.setAttribute('aria-pressed', 'false');
  thumb.setAttribute('aria-label', `Select image ${index + 1} (${image.width}x${image.height}) to edit`);
  const img = element('img', { alt: image.revisedPrompt ?? group.prompt, width: image.width, height: image.height });
  img.dataset.uri = image.uri;
  if (image.previewUrl) {
    img.src = image.previewUrl;
    img.dataset.resolution = 'preview';
  }
  thumb.append(img);
  thumb.addEventListener('click', () => select(image, thumb));
  const caption = element('p', { className: 'caption', textContent: `${image.width}x${image.height}` });
  if (image.revisedPrompt) {
    caption.append(element('span', { className: 'revised', textContent: `Revised prompt: ${image.revisedPrompt}` }));
  }
  const open = element('button', { type: 'button', className: 'open', textContent: 'Open file' });
  open.addEventListener('click', () => void openFile(image));
  item.append(thumb, caption, open);
  void loadFullResolution(image, img);
  return item;
}

function renderGroup(group: ShownGroup): void {
  const section = element('section', { className: 'group' });
  const heading = element('h2', { textContent: group.prompt || '(no prompt)' });
  const details = [group.model, group.size, group.cost].filter(Boolean).join(' · ');
  const meta = element('p', { className: 'meta', textContent: group.sandbox ? `${details} · sandbox` : details });
  const list = element('ul', { className: 'images' });
  group.images.forEach((image, i) => {
    list.append(renderImage(image, i, group));
  });
  section.append(heading, meta, list);
  for (const note of group.notes) section.append(element('p', { className: 'note', textContent: note }));
  gallery.prepend(section);
  const firstThumb = section.querySelector<HTMLButtonElement>('button.thumb');
  if (firstThumb && group.images[0]) select(group.images[0], firstThumb);
}

function setBusy(value: boolean): void {
  busy = value;
  variationsButton.disabled = value || !lastArguments.prompt;
  for (const control of editForm.querySelectorAll<HTMLInputElement | HTMLButtonElement>('input, button')) {
    control.disabled = value || !selected;
  }
}

async function callTool(name: string, args: ToolArguments, doing: string): Promise<void> {
  setBusy(true);
  say(doing);
  try {
    const result = await host.callTool(name, args);
    const group = groupFromResult(name, args, result);
    if (!group) say(errorText(result), 'error');
    else {
      renderGroup(group);
      say(`${group.images.length} new image${group.images.length === 1 ? '' : 's'}`);
    }
  } catch (error) {
    say(error instanceof Error ? error.message : String(error), 'error');
  } finally {
    setBusy(false);
  }
}

variationsButton.addEventListener('click', () => {
  const n = Math.min(10, Math.max(1, Number(moreInput.value) || 1));
  void callTool(
    'generate_image',
    variationArguments(lastArguments, n),
    `Generating ${n} variation${n === 1 ? '' : 's'}…`,
  );
});

function edit(): void {
  const prompt = editPrompt.value.trim();
  if (!prompt || !selected || busy) return;
  void callTool('edit_image', { prompt, images: [selected.uri] }, 'Editing…').then(() => {
    editPrompt.value = '';
  });
}

editButton.addEventListener('click', edit);
editPrompt.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') edit();
  else if (event.key === 'Escape') editPrompt.value = '';
});

host.ontoolinput = (args) => {
  lastArguments = args as ToolArguments;
  setBusy(busy);
  say('Generating…');
};
host.ontoolresult = (result) => {
  const tool = host.hostContext.toolInfo?.tool?.name ?? 'generate_image';
  const group = groupFromResult(tool, lastArguments, result);
  if (group) {
    renderGroup(group);
    say('');
  } else say(errorText(result), 'error');
};
host.ontoolcancelled = () => say('Cancelled.');
host.onhostcontextchanged = applyHostContext;

setBusy(false);
void host.connect().then(
  () => applyHostContext(host.hostContext),
  (error: unknown) =>
    say(`Could not reach the host: ${error instanceof Error ? error.message : String(error)}`, 'error'),
);
