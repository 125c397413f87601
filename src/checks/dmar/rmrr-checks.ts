/**
 * Reserved memory regions (RMRR): the VT-d spec asks for a 4 KiB aligned
 * base and a limit whose next byte is 4 KiB aligned (the limit is the
 * region's last byte, inclusive). Linux warns about a misaligned or inverted
 * region and taints itself.
 */
import type { DmarRmrr } from '../../acpi/dmar/model.js';
import { formatAddress } from '../../model/address.js';
import type { FindingDraft } from '../check.js';
import { dmarCheck } from './define.js';
import { shortPath, type Placed } from './structures.js';

const PAGE = 0x1000n;

const range = (r: DmarRmrr) => `${formatAddress(r.baseAddress)}-${formatAddress(r.limitAddress)}`;
const ordered = (r: DmarRmrr) => r.limitAddress >= r.baseAddress;

export const rmrrUnaligned = dmarCheck({
  id: 'dmar-rmrr-unaligned',
  severity: 'error',
  description: 'an RMRR whose base, or limit + 1, is not 4 KiB aligned',
  run: (dmar) =>
    dmar.of('RMRR')
      .filter((p) => ordered(p.s) && (p.s.baseAddress % PAGE !== 0n || (p.s.limitAddress + 1n) % PAGE !== 0n))
      .map((p) => ({
        path: p.path,
        message:
          `RMRR ${range(p.s)} is not page aligned: the base and the byte after the limit (the limit is inclusive) ` +
          'must be multiples of 4 KiB; Linux reports the region as broken firmware',
      })),
});

export const rmrrEndBeforeBase = dmarCheck({
  id: 'dmar-rmrr-end-before-base',
  severity: 'error',
  description: 'an RMRR whose limit is below its base: the region is empty or inverted',
  run: (dmar) =>
    dmar.of('RMRR')
      .filter((p) => !ordered(p.s))
      .map((p) => ({ path: p.path, message: `RMRR limit ${formatAddress(p.s.limitAddress)} is below its base ${formatAddress(p.s.baseAddress)}` })),
});

export const rmrrOverlap = dmarCheck({
  id: 'dmar-rmrr-overlap',
  severity: 'warning',
  description:
    'two RMRRs of one segment overlap: one region reported twice with different device lists (a region shared by ' +
    'several devices is one RMRR with several scopes)',
  run: (dmar) => {
    const out: FindingDraft[] = [];
    const seen: Placed<DmarRmrr>[] = [];
    for (const p of dmar.of('RMRR').filter((x) => ordered(x.s))) {
      const other = seen.find((q) => q.s.segmentNumber === p.s.segmentNumber && q.s.baseAddress <= p.s.limitAddress && p.s.baseAddress <= q.s.limitAddress);
      if (other) {
        out.push({ path: p.path, message: `RMRR ${range(p.s)} overlaps RMRR ${range(other.s)} (${shortPath(other.path)}) of segment ${p.s.segmentNumber}` });
      }
      seen.push(p);
    }
    return out;
  },
});
