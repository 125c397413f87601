/**
 * Reserved memory regions (DMAR RMRR, IORT RMR): the memory a device DMAs to
 * before the OS takes over. Linux rejects an RMRR that is empty or not
 * 4 KiB aligned as a firmware bug, and a region must end inside 64 bits.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { childPath } from '../doc-path.js';
import type { ReservedRegion } from '../topology-schema.js';
import { addressValue, formatAddress } from './address.js';
import { finding } from './finding.js';
import { listed, type TopologyIndex } from './topology-index.js';

const PAGE = 0x1000n;
const ADDRESS_SPACE_END = 1n << 64n;

export function checkReservedMemory(ix: TopologyIndex): Diagnostic[] {
  // Only the nodes that have regions: a path and two lists per node of a tree without any was most of this check.
  const owners = [
    ...ix.sites.filter((s) => s.node.reservedMemory !== undefined).map((s) => ({ item: s.node, path: s.path })),
    ...listed(ix.topology.platformDevices, 'platformDevices'),
  ];
  return owners.flatMap(({ item, path }) =>
    listed(item.reservedMemory, childPath(path, 'reservedMemory')).flatMap((r) => region(r.item, r.path)),
  );
}

function region(r: ReservedRegion, path: string): Diagnostic[] {
  const base = addressValue(r.base);
  const size = addressValue(r.size);
  if (size === 0n) return [finding('bad-reserved-region', childPath(path, 'size'), 'a reserved region of size 0 reserves nothing')];
  if (base + size > ADDRESS_SPACE_END) {
    const message = `${formatAddress(base)} + ${formatAddress(size)} runs past the end of the 64-bit address space`;
    return [finding('bad-reserved-region', childPath(path, 'size'), message)];
  }
  const out: Diagnostic[] = [];
  if (base % PAGE !== 0n) {
    out.push(finding('unaligned-reserved-region', childPath(path, 'base'), `base ${formatAddress(base)} is not 4 KiB aligned`));
  }
  if (size % PAGE !== 0n) {
    out.push(finding('unaligned-reserved-region', childPath(path, 'size'), `size ${formatAddress(size)} is not a multiple of 4 KiB`));
  }
  return out;
}
