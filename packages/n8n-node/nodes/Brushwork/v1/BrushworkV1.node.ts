import {
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
} from 'n8n-workflow';
import { BRUSHWORK_ICON } from '../icon';
import { properties } from './actions/properties';
import { router } from './actions/router';
import { searchModels } from './methods/listSearch';

export class BrushworkV1 implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Brushwork',
    name: 'brushwork',
    icon: BRUSHWORK_ICON,
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["operation"] + ": " + ($parameter["model"].value || $parameter["model"] || "") }}',
    description: 'Generate and edit images with OpenAI and Azure OpenAI (GPT image, DALL-E)',
    defaults: { name: 'Brushwork' },
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    usableAsTool: true,
    credentials: [
      {
        name: 'brushworkOpenAiApi',
        required: true,
        displayOptions: { show: { provider: ['openai'] } },
      },
      {
        name: 'brushworkAzureOpenAiApi',
        required: true,
        displayOptions: { show: { provider: ['azure'] } },
      },
      {
        name: 'brushworkAzureEntraOAuth2Api',
        required: true,
        displayOptions: { show: { provider: ['azureEntraId'] } },
      },
    ],
    properties,
  };

  methods = { listSearch: { searchModels } };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return await router.call(this);
  }
}
