/**
 * The tree as JSON (`decode --format json` of a DTB or DTS): each node with
 * its path, labels and phandle; each property with its DTS text (as
 * formatDts prints it) and its bytes in hex, so the JSON is both readable and
 * exact.
 */
import { formatAddress } from '../model/address.js';
import { valueText } from './dts-value-text.js';
import { layoutTree } from './layout.js';
import { fullName, openClose, type DtNode, type DtTree } from './tree.js';

export interface DtPropertyJson {
  name: string;
  labels?: string[];
  value: string;
  bytes: string;
}

export interface DtNodeJson {
  name: string;
  path: string;
  labels?: string[];
  phandle?: number;
  properties: DtPropertyJson[];
  children: DtNodeJson[];
}

export interface DtTreeJson {
  bootCpuidPhys: number;
  memoryReservations: { address: string; size: string }[];
  root: DtNodeJson;
}

const hexBytes = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export function treeToJson(tree: DtTree): DtTreeJson {
  const layout = layoutTree(tree);
  const out = new Map<DtNode, DtNodeJson>();
  let root: DtNodeJson | undefined;
  for (const { kind, node } of openClose(tree.root)) {
    if (kind === 'close') continue;
    const phandle = layout.phandleOf.get(node);
    const json: DtNodeJson = {
      name: node === tree.root ? '/' : fullName(node),
      path: layout.pathOf.get(node)!,
      ...(node.labels.length > 0 ? { labels: [...node.labels] } : {}),
      ...(phandle === undefined ? {} : { phandle }),
      properties: node.properties.map((p) => ({
        name: p.name,
        ...(p.labels.length > 0 ? { labels: [...p.labels] } : {}),
        value: valueText(p.value),
        bytes: hexBytes(layout.bytesOf.get(p)!),
      })),
      children: [],
    };
    out.set(node, json);
    const parent = layout.parentOf.get(node);
    if (parent) out.get(parent)!.children.push(json);
    else root = json;
  }
  return {
    bootCpuidPhys: tree.bootCpuidPhys,
    memoryReservations: tree.memoryReservations.map((r) => ({ address: formatAddress(r.address), size: formatAddress(r.size) })),
    root: root!,
  };
}
