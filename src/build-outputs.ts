/**
 * What `build` produces from a resolved topology, as named byte/text blobs.
 * Pure: the CLI decides where they go.
 */
import { renderMap } from './map/render-map.js';
import type { ResolvedTopology } from './model/resolved.js';

export interface BuildOutput {
  name: string;
  description: string;
  data: string | Uint8Array;
}

export function buildOutputs(resolved: ResolvedTopology): BuildOutput[] {
  return [
    { name: 'map.json', description: 'translation map (JSON)', data: renderMap(resolved, 'json') },
    { name: 'map.txt', description: 'translation map (text)', data: renderMap(resolved, 'text') },
    { name: 'tree.txt', description: 'annotated PCI tree', data: renderMap(resolved, 'tree') },
    { name: 'topology.dot', description: 'Graphviz picture, coloured by IOMMU', data: renderMap(resolved, 'dot') },
  ];
}
