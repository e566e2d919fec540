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
  prompts: string[];
  parameters: Record<string, unknown>;
  credentials?: NodeJson['credentials'];
  continueOnFail?: boolean;
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
        parameters: { mode: 'raw', jsonOutput: JSON.stringify({ prompt: branch.prompts }), options: {} },
      },
      {
        id: `${i}-items`,
        name: items,
        type: 'n8n-nodes-base.splitOut',
        typeVersion: 1,
        position: [480, y],
        parameters: { fieldToSplitOut: 'prompt', options: {} },
      },
      {
        id: `${i}-brushwork`,
        name: branch.name,
        type: BRUSHWORK_TYPE,
        typeVersion: 1,
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
