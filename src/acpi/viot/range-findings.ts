/**
 * What a VIOT's PCI ranges say beyond the map: where they overlap (Linux
 * takes the later node, because each range is put at the head of its list),
 * and which endpoint-ID convention the table appears to follow.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { formatBdf } from '../../model/rid.js';
import type { ViotPciRange } from './model.js';

export interface PathedRange {
  node: ViotPciRange;
  path: string;
}

/** One finding per pair of ranges that share RIDs, at the later one. */
export function rangeOverlaps(ranges: readonly PathedRange[]): Diagnostic[] {
  const findings: Diagnostic[] = [];
  ranges.forEach((later, j) => {
    for (const earlier of ranges.slice(0, j)) {
      const a = earlier.node;
      const b = later.node;
      const seg = [Math.max(a.segmentStart, b.segmentStart), Math.min(a.segmentEnd, b.segmentEnd)] as const;
      const bdf = [Math.max(a.bdfStart, b.bdfStart), Math.min(a.bdfEnd, b.bdfEnd)] as const;
      if (seg[0] > seg[1] || bdf[0] > bdf[1]) continue;
      const segments = seg[0] === seg[1] ? `segment ${seg[0]}` : `segments ${seg[0]}–${seg[1]}`;
      findings.push({
        severity: 'warning',
        code: 'viot-range-overlap',
        path: later.path,
        message:
          `overlaps ${earlier.path} on ${segments}, BDFs ${formatBdf(bdf[0])}–${formatBdf(bdf[1])}: ` +
          'Linux uses this later node for those RIDs',
      });
    }
  });
  return findings;
}

/** How a range numbers its endpoints. */
export type EndpointConvention = 'identity' | 'zero-based' | 'offset';

/**
 * identity: endpoint ID = RID (Endpoint start = PCI BDF start), what QEMU
 * writes; zero-based: the first BDF of the range is endpoint 0; offset:
 * anything else (the RID shifted by a constant).
 */
export function endpointConvention(range: ViotPciRange): EndpointConvention {
  if (range.endpointStart === range.bdfStart) return 'identity';
  return range.endpointStart === 0 ? 'zero-based' : 'offset';
}

function describe(range: ViotPciRange, convention: EndpointConvention): string {
  if (convention === 'identity') return 'identity (endpoint ID = RID, as QEMU writes it)';
  if (convention === 'zero-based') return 'zero-based (the first BDF is endpoint 0)';
  const shift = range.endpointStart - range.bdfStart;
  return `offset (endpoint ID = RID ${shift < 0 ? '−' : '+'} 0x${Math.abs(shift).toString(16)})`;
}

/** The info finding that says which convention the table's ranges use. */
export function conventionFinding(ranges: readonly PathedRange[]): Diagnostic | undefined {
  if (ranges.length === 0) return undefined;
  const kinds = ranges.map((r) => endpointConvention(r.node));
  const same = kinds.every((k) => k === kinds[0]) && (kinds[0] !== 'offset' || ranges.every((r) => shiftOf(r) === shiftOf(ranges[0]!)));
  const message = same
    ? `endpoint IDs: ${describe(ranges[0]!.node, kinds[0]!)} in ${ranges.length === 1 ? 'the only PCI range' : `all ${ranges.length} PCI ranges`}`
    : 'endpoint IDs follow no single convention: ' + ranges.map((r, i) => `${r.path} ${describe(r.node, kinds[i]!)}`).join('; ');
  return { severity: 'info', code: 'viot-endpoint-convention', path: 'VIOT', message };
}

const shiftOf = (r: PathedRange): number => r.node.endpointStart - r.node.bdfStart;
