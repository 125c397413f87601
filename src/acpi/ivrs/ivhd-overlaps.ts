/**
 * Device IDs that the IVHDs of two IOMMUs both name. Linux sets the IOMMU
 * lookup entry by entry, IVHD by IVHD in table order, so the later IVHD
 * silently takes the device: the table gives one device to two IOMMUs and
 * only the order decides. One finding per pair of entries, found by one
 * sweep over the claimed ranges sorted by start (never per ID).
 */
import type { Diagnostic } from '../../diagnostic.js';
import { formatSbdf } from '../../model/rid.js';
import { IvrsCode } from './codes.js';
import type { IvrsReading } from './resolve.js';

interface Claim {
  segment: number;
  first: number;
  last: number;
  /** The IVHD's index, for the order. */
  unit: number;
  /** Its IOMMU: two IVHDs of one IOMMU may name a device twice. */
  identity: string;
  path: string;
  offset: number;
}

export function ivhdOverlaps(reading: IvrsReading): Diagnostic[] {
  const claims: Claim[] = [];
  reading.iommus.forEach((iommu, unit) => {
    const segment = iommu.block.pciSegment;
    const lastBdf = reading.lastBdf.get(segment)!;
    for (const c of iommu.record.claimed) {
      if (c.first <= lastBdf) claims.push({ segment, first: c.first, last: Math.min(c.last, lastBdf), unit, identity: iommu.identity, path: c.path, offset: c.offset });
    }
  });
  claims.sort((a, b) => a.segment - b.segment || a.first - b.first);
  const out: Diagnostic[] = [];
  const reported = new Set<string>();
  // Per segment, the claim reaching furthest for each of the two IOMMUs reaching furthest: a new claim overlaps
  // another IOMMU's exactly when the furthest-reaching claim of some other IOMMU reaches it.
  let best: Claim | undefined;
  let second: Claim | undefined;
  for (const c of claims) {
    if (best && best.segment !== c.segment) best = second = undefined;
    const other = best && best.identity !== c.identity ? best : second;
    if (other && other.last >= c.first) {
      const key = `${other.path}|${c.path}`;
      if (!reported.has(key)) {
        reported.add(key);
        out.push(overlap(other, c));
      }
    }
    if (!best || c.last > best.last) {
      if (best && best.identity !== c.identity) second = best;
      best = c;
    } else if (c.identity !== best.identity && (!second || c.last > second.last)) {
      second = c;
    }
  }
  return out;
}

function overlap(a: Claim, b: Claim): Diagnostic {
  const [earlier, later] = a.unit < b.unit ? [a, b] : [b, a];
  const from = Math.max(a.first, b.first);
  const to = Math.min(a.last, b.last);
  const span = from === to ? formatSbdf(a.segment, from) : `${formatSbdf(a.segment, from)}-${formatSbdf(a.segment, to)}`;
  return {
    severity: 'error',
    code: IvrsCode.ivhdOverlap,
    path: later.path,
    offset: later.offset,
    message:
      `${span} is named by ${earlier.identity} (${earlier.path}) and by ${later.identity} (${later.path}): ` +
      `Linux gives ${from === to ? 'it' : 'them'} to the later IVHD's IOMMU, ${later.identity}`,
  };
}
