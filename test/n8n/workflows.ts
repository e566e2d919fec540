// Workflow JSON for the end-to-end test, the demo and the example users can import. Items are made with
// n8n's Set (raw JSON) + Split Out nodes, so no Code node (and no task runner) is needed.

export const BRUSHWORK_TYPE = 'n8n-nodes-brushwork.brushwork';

export interface NodeJson {
  id: string;
  name: string;
  type: string;
  typeVersion: number;
  position: [number, number];
  parameters: Record<string, unknown>;
  credentials?: Record<string, { id: string; name: string }>;
  onError?: 'continueRegularOutput' | 'continueErrorOutput' | 'stopWorkflow';
}

export interface WorkflowJson {
  id: string;
  name: string;
  active: boolean;
  nodes: NodeJson[];
  connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }>;
  settings: Record<string, unknown>;
  pinData: Record<string, unknown>;
}

export interface Branch {
  /** Unique; the Brushwork node is called `${name}`, its feeders `${name} prompts` / `${name} items`. */
  name: string;
  /** One item `{ prompt }` each; or give `items` (whole item JSONs, for expressions beyond the prompt). */
  prompts: string[];
  items?: Array<Record<string, unknown>>;
  parameters: Record<string, unknown>;
  credentials?: NodeJson['credentials'];
  continueOnFail?: boolean;
  /** Another node in place of Brushwork (e.g. n8n's own OpenAI node in the benchmark); default Brushwork 1. */
  type?: string;
  typeVersion?: number;
}

export function model(id: string) {
  return { __rl: true, mode: 'id', value: id };
}

/** One Manual Trigger feeding every branch: prompts → one item each → Brushwork. */
export function workflow(id: string, name: string, branches: Branch[]): WorkflowJson {
  const nodes: NodeJson[] = [
    {
      id: 'trigger',
      name: 'Start',
      type: 'n8n-nodes-base.manualTrigger',
      typeVersion: 1,
      position: [0, 0],
      parameters: {},
    },
  ];
  const connections: WorkflowJson['connections'] = { Start: { main: [[]] } };
  branches.forEach((branch, i) => {
    const y = i * 220;
    const prompts = `${branch.name} prompts`;
    const items = `${branch.name} items`;
    nodes.push(
      {
        id: `${i}-prompts`,
        name: prompts,
        type: 'n8n-nodes-base.set',
        typeVersion: 3.4,
        position: [240, y],
        parameters: {
          mode: 'raw',
          jsonOutput: JSON.stringify({ items: branch.items ?? branch.prompts.map((prompt) => ({ prompt })) }),
          options: {},
        },
      },
      {
        id: `${i}-items`,
        name: items,
        type: 'n8n-nodes-base.splitOut',
        typeVersion: 1,
        position: [480, y],
        parameters: { fieldToSplitOut: 'items', options: {} },
      },
      {
        id: `${i}-brushwork`,
        name: branch.name,
        type: branch.type ?? BRUSHWORK_TYPE,
        typeVersion: branch.typeVersion ?? 1,
        position: [720, y],
        parameters: { resource: 'image', operation: 'generate', prompt: '={{ $json.prompt }}', ...branch.parameters },
        ...(branch.credentials ? { credentials: branch.credentials } : {}),
        ...(branch.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
      },
    );
    connections.Start?.main[0]?.push({ node: prompts, type: 'main', index: 0 });
    connections[prompts] = { main: [[{ node: items, type: 'main', index: 0 }]] };
    connections[items] = { main: [[{ node: branch.name, type: 'main', index: 0 }]] };
  });
  return { id, name, active: false, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

export interface EditBranch {
  /** Unique; the Brushwork Edit Image node is called `${name}`, its feeders `${name} …`. */
  name: string;
  /** One item per prompt; each gets a source image and the mask. */
  prompts: string[];
  /** Brushwork Generate Image parameters that make each item's source image (binary `data`). */
  source: Record<string, unknown>;
  /** A PNG mask (base64), put on every item as binary `mask` by n8n's Convert to File node. */
  maskBase64: string;
  /** Brushwork Edit Image parameters (model, size…); the prompt is `editPrompt` + the item's prompt. */
  parameters: Record<string, unknown>;
  editPrompt: string;
  credentials?: NodeJson['credentials'];
}

/**
 * Adds an Edit Image branch to a workflow made by `workflow()`: prompts → items → (Brushwork Generate →
 * binary `data`) and (Set → Convert to File → binary `mask`) → Merge by position → Brushwork Edit Image
 * with `data` as the image and `mask` as the mask.
 */
export function withEditBranch(base: WorkflowJson, branch: EditBranch): WorkflowJson {
  const wf: WorkflowJson = structuredClone(base);
  const y = Math.max(...wf.nodes.map((node) => node.position[1])) + 330;
  const n = (suffix: string) => `${branch.name} ${suffix}`;
  const credentials = branch.credentials ? { credentials: branch.credentials } : {};
  wf.nodes.push(
    {
      id: `${branch.name}-prompts`,
      name: n('prompts'),
      type: 'n8n-nodes-base.set',
      typeVersion: 3.4,
      position: [240, y],
      parameters: { mode: 'raw', jsonOutput: JSON.stringify({ prompt: branch.prompts }), options: {} },
    },
    {
      id: `${branch.name}-items`,
      name: n('items'),
      type: 'n8n-nodes-base.splitOut',
      typeVersion: 1,
      position: [480, y],
      parameters: { fieldToSplitOut: 'prompt', options: {} },
    },
    {
      id: `${branch.name}-source`,
      name: n('source'),
      type: BRUSHWORK_TYPE,
      typeVersion: 1,
      position: [720, y],
      parameters: { resource: 'image', operation: 'generate', prompt: '={{ $json.prompt }}', ...branch.source },
      ...credentials,
    },
    {
      id: `${branch.name}-mask-json`,
      name: n('mask json'),
      type: 'n8n-nodes-base.set',
      typeVersion: 3.4,
      position: [720, y + 110],
      parameters: { mode: 'raw', jsonOutput: JSON.stringify({ mask: branch.maskBase64 }), options: {} },
    },
    {
      id: `${branch.name}-mask-file`,
      name: n('mask file'),
      type: 'n8n-nodes-base.convertToFile',
      typeVersion: 1.1,
      position: [960, y + 110],
      parameters: {
        operation: 'toBinary',
        sourceProperty: 'mask',
        binaryPropertyName: 'mask',
        options: { fileName: 'mask.png', mimeType: 'image/png' },
      },
    },
    {
      id: `${branch.name}-merge`,
      name: n('merge'),
      type: 'n8n-nodes-base.merge',
      typeVersion: 3.2,
      position: [1200, y],
      parameters: { mode: 'combine', combineBy: 'combineByPosition', options: {} },
    },
    {
      id: `${branch.name}-edit`,
      name: branch.name,
      type: BRUSHWORK_TYPE,
      typeVersion: 1,
      position: [1440, y],
      parameters: {
        resource: 'image',
        operation: 'edit',
        prompt: `=${branch.editPrompt}{{ $json.prompt }}`,
        imageProperties: 'data',
        maskProperty: 'mask',
        ...branch.parameters,
      },
      ...credentials,
    },
  );
  const to = (node: string, index = 0) => ({ node, type: 'main' as const, index });
  wf.connections.Start?.main[0]?.push(to(n('prompts')));
  wf.connections[n('prompts')] = { main: [[to(n('items'))]] };
  wf.connections[n('items')] = { main: [[to(n('source')), to(n('mask json'))]] };
  wf.connections[n('source')] = { main: [[to(n('merge'), 0)]] };
  wf.connections[n('mask json')] = { main: [[to(n('mask file'))]] };
  wf.connections[n('mask file')] = { main: [[to(n('merge'), 1)]] };
  wf.connections[n('merge')] = { main: [[to(branch.name)]] };
  return wf;
}
