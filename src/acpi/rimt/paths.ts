/** Structure paths of the RIMT's nodes (`RIMT/PcieRootComplex[0]`), as decode names them (listItemPaths). */
import { listItemPaths } from '../../codec/index.js';
import type { RimtNode, RimtUnknownNode } from './model.js';
import { rimtDeclarations } from './spec.js';

export const RIMT_PATH = 'RIMT';

export function rimtNodePaths(nodes: readonly (RimtNode | RimtUnknownNode)[]): string[] {
  return listItemPaths(RIMT_PATH, rimtDeclarations().rimtNodes, nodes);
}
