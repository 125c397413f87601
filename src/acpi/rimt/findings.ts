/**
 * What a RIMT says about itself that changes what Linux makes of it
 * (drivers/acpi/riscv/rimt.c), without walking any ID:
 * - rimt-root-complex-duplicate: a second root complex node for a segment;
 *   rimt_scan_node stops at the first, so the second's mappings are never read;
 * - rimt-range-overlap: two ID mappings of one node share IDs; the first in
 *   the table wins for them (rimt_node_map_id breaks at the first match);
 * - rimt-destination-not-iommu: an ID mapping's destination is a root
 *   complex or platform device (Linux follows its mappings on) or a node of
 *   a reserved type (the walk fails there, the IDs keep no IOMMU).
 * A destination that is no node at all is decode's (rimt-dangling-reference);
 * a walk that goes round for ever is the resolver's (rimt-reference-cycle).
 */
import type { Diagnostic } from '../../diagnostic.js';
import { isKnownRimtNode, type RimtIdMapping, type RimtTable } from './model.js';
import { rimtNodePaths } from './paths.js';
import { mappingRange } from './walk.js';
import { appendAll } from '../../append.js';

const hex = (n: number): string => '0x' + n.toString(16);

export function rimtFindings(table: RimtTable): Diagnostic[] {
  const paths = rimtNodePaths(table.nodes);
  const findings: Diagnostic[] = [];
  const firstOfSegment = new Map<number, number>();
  table.nodes.forEach((n, i) => {
    if (!isKnownRimtNode(n) || n.type === 'Iommu') return;
    if (n.type === 'PcieRootComplex') {
      const first = firstOfSegment.get(n.pcieSegment);
      if (first === undefined) firstOfSegment.set(n.pcieSegment, i);
      else {
        findings.push({ severity: 'warning', code: 'rimt-root-complex-duplicate', path: paths[i]!,
          message: `${paths[first]} is already the root complex of PCIe segment ${n.pcieSegment}: Linux takes the first ` +
            'and never reads this node\'s ID mappings' });
      }
    }
    appendAll(findings, overlaps(n.idMappings, paths[i]!));
    // One finding per destination, at its first mapping: a node may have thousands of mappings to one node.
    const byDestination = new Map<number, number[]>();
    n.idMappings.forEach((m, k) => {
      const ref = m.destinationIommu;
      if (!('node' in ref)) return;
      const dest = table.nodes[ref.node];
      if (!dest || (isKnownRimtNode(dest) && dest.type === 'Iommu')) return;
      const list = byDestination.get(ref.node);
      if (list) list.push(k);
      else byDestination.set(ref.node, [k]);
    });
    for (const [d, ks] of byDestination) {
      const dest = table.nodes[d]!;
      const where = paths[d]!;
      const also = ks.length > 1 ? ` (as do ${ks.length - 1} more of this node's mappings)` : '';
      findings.push({ severity: 'warning', code: 'rimt-destination-not-iommu', path: `${paths[i]}/IdMapping[${ks[0]}]`,
        message: isKnownRimtNode(dest)
          ? `the Destination IOMMU Offset names ${where}, not an IOMMU${also}: Linux follows that node's ID mappings on`
          : `the Destination IOMMU Offset names ${where}, a node of reserved type ${dest.type}${also}: Linux's walk fails there and these IDs keep no IOMMU` });
    }
  });
  return findings;
}

/**
 * Pairs of one node's mappings that share IDs, found by a sweep over their
 * starts (a node may have 65,535 mappings: no pair loop), each said once at
 * the later-starting mapping.
 */
function overlaps(maps: readonly RimtIdMapping[], path: string): Diagnostic[] {
  const ranges = maps.flatMap((m, k) => {
    const r = mappingRange(m);
    return r ? [{ k, first: r[0], last: r[1] }] : [];
  }).sort((a, b) => a.first - b.first || a.k - b.k);
  const out: Diagnostic[] = [];
  let reach: (typeof ranges)[number] | undefined;
  for (const r of ranges) {
    if (reach && r.first <= reach.last) {
      const [win, lose] = reach.k < r.k ? [reach, r] : [r, reach];
      const shared = `${hex(r.first)}..${hex(Math.min(r.last, reach.last))}`;
      const countLike = reach.last === r.first
        ? ' (Number of IDs looks like a count, but Linux takes Source ID Base + Number of IDs as the last ID)'
        : '';
      out.push({ severity: 'warning', code: 'rimt-range-overlap', path: `${path}/IdMapping[${lose.k}]`,
        message: `IdMapping[${lose.k}] and IdMapping[${win.k}] both cover IDs ${shared}${countLike}: Linux uses IdMapping[${win.k}], the first in the table` });
    }
    if (!reach || r.last > reach.last) reach = r;
  }
  return out;
}
