/**
 * The PCI tree in the order firmware walks it: the children of a bus in devfn
 * order (SeaBIOS and edk2 scan slot 0 to 31, function 0 to 7), keeping each
 * node's index in the document so that diagnostics can point at it.
 * Numbering, resolution and the formatters all walk the tree this way, so
 * "depth-first order" means one thing everywhere.
 */
import { devfn, parseDevfn } from './rid.js';
import type { PciNode, PciNodeType } from './topology-schema.js';

/** Node types that have a secondary bus (and so get bus numbers). */
const BRIDGE_TYPES: ReadonlySet<PciNodeType> = new Set<PciNodeType>([
  'pcie-root-port',
  'pcie-switch-upstream-port',
  'pcie-switch-downstream-port',
  'pcie-pci-bridge',
  'pci-pcie-bridge',
  'pci-bridge',
]);

export function isBridgeType(type: PciNodeType): boolean {
  return BRIDGE_TYPES.has(type);
}

export interface OrderedNode {
  node: PciNode;
  /** Index in the parent's `children` array in the document. */
  index: number;
  device: number;
  fn: number;
  devfn: number;
}

/**
 * Addresses already read, by their text: a topology spells its 256 possible
 * devfns over and over, and numbering and every resolve read each node's
 * (a regular expression per node and pass was ~5 % of `check` at 10k
 * endpoints). Bounded: past the cap an address is read again each time.
 */
const readAddresses = new Map<string, { device: number; fn: number }>();
const MAX_READ_ADDRESSES = 4096;

/** Device and function of a schema DevfnText ("dd.f"); the answer is shared, so it is frozen. */
export function devfnTextAddress(text: string): { readonly device: number; readonly fn: number } {
  const known = readAddresses.get(text);
  if (known) return known;
  const parsed = parseDevfn(text);
  // The validator rejects bad addresses; reaching this is a bug, not bad input.
  if (!parsed) throw new Error(`invalid devfn ${JSON.stringify(text)}`);
  if (readAddresses.size < MAX_READ_ADDRESSES) readAddresses.set(text, Object.freeze(parsed));
  return parsed;
}

/** The nodes of one bus, in devfn order. */
export function orderedChildren(children: readonly PciNode[] | undefined): OrderedNode[] {
  return (children ?? [])
    .map((node, index) => {
      const { device, fn } = devfnTextAddress(node.addr);
      return { node, index, device, fn, devfn: devfn(device, fn) };
    })
    .sort((a, b) => a.devfn - b.devfn);
}

/** Every node below `children`, depth-first (a bridge before what is behind it), devfn order per bus. */
export function* depthFirst(children: readonly PciNode[] | undefined): Generator<OrderedNode> {
  for (const entry of orderedChildren(children)) {
    yield entry;
    yield* depthFirst(entry.node.children);
  }
}
