import type { Icon } from 'n8n-workflow';

/**
 * The node's icons. n8n resolves `file:` paths of every version's description against the registered
 * node file (dist/nodes/Brushwork/Brushwork.node.js), hence the path from there; the bundle copies
 * icons/ to dist/icons/.
 */
export const BRUSHWORK_ICON: Icon = {
  light: 'file:../../icons/brushwork.svg',
  dark: 'file:../../icons/brushwork.dark.svg',
};
