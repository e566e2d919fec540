import { type INodeTypeBaseDescription, type IVersionedNodeType, VersionedNodeType } from 'n8n-workflow';
import { BRUSHWORK_ICON } from './icon';
import { BrushworkV1 } from './v1/BrushworkV1.node';

export class Brushwork extends VersionedNodeType {
  constructor() {
    const baseDescription: INodeTypeBaseDescription = {
      displayName: 'Brushwork',
      name: 'brushwork',
      icon: BRUSHWORK_ICON,
      group: ['transform'],
      subtitle: '={{ $parameter["operation"] }}',
      description: 'Generate and edit images with OpenAI and Azure OpenAI (GPT image, DALL-E)',
      defaultVersion: 1,
      usableAsTool: true,
    };
    const nodeVersions: IVersionedNodeType['nodeVersions'] = {
      1: new BrushworkV1(),
    };
    super(nodeVersions, baseDescription);
  }
}
