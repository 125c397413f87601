/**
 * Checks of remapping units (DRHDs) and the structures that refer to a unit
 * or a segment: include-all placement, units that cover nothing or share
 * registers, RHSAs naming no unit, structures for a segment without a unit.
 */
import type { DmarDrhd } from '../../acpi/dmar/model.js';
import { formatAddress } from '../../model/address.js';
import { dmarCheck } from './define.js';
import { isIncludeAll, repeats, unitName, unmatched, type Placed } from './structures.js';

/** Units grouped by segment, in table order; appended in place (a copy per unit is quadratic in 65k-unit tables). */
function bySegment(drhds: readonly Placed<DmarDrhd>[]): Map<number, Placed<DmarDrhd>[]> {
  const m = new Map<number, Placed<DmarDrhd>[]>();
  for (const d of drhds) {
    const list = m.get(d.s.segmentNumber);
    if (list) list.push(d);
    else m.set(d.s.segmentNumber, [d]);
  }
  return m;
}

export const includeAllNotLast = dmarCheck({
  id: 'dmar-include-all-not-last',
  severity: 'error',
  description:
    'a DRHD with INCLUDE_PCI_ALL is followed by another (not include-all) DRHD of its segment; the VT-d spec requires ' +
    'the include-all unit to be the last of its segment',
  run: (dmar) =>
    [...bySegment(dmar.of('DRHD')).values()].flatMap((units) => {
      const first = units.findIndex((u) => isIncludeAll(u.s));
      const later = first < 0 ? [] : units.slice(first + 1).filter((u) => !isIncludeAll(u.s));
      if (later.length === 0) return [];
      const unit = units[first]!;
      return [{
        path: unit.path,
        message:
          `${unitName(unit)} has INCLUDE_PCI_ALL but ${later.map(unitName).join(', ')} of segment ${unit.s.segmentNumber} ` +
          `${later.length === 1 ? 'comes' : 'come'} after it; the VT-d spec requires the include-all unit to be listed last in its segment ` +
          '(Linux moves it to the end of its list; an OS that keeps table order gives it devices the later units should have)',
      }];
    }),
});

export const includeAllDuplicate = dmarCheck({
  id: 'dmar-include-all-duplicate',
  severity: 'error',
  description: 'two DRHDs with INCLUDE_PCI_ALL in one segment: only one unit can take every device no other unit claims',
  run: (dmar) =>
    [...bySegment(dmar.of('DRHD')).values()].flatMap((units) => {
      const all = units.filter((u) => isIncludeAll(u.s));
      return all.slice(1).map((u) => ({
        path: u.path,
        message:
          `${unitName(u)} is a second include-all unit in segment ${u.s.segmentNumber} (the first is ${unitName(all[0]!)}); ` +
          'every device no scope names can belong to one unit only, and Linux gives them all to the first',
      }));
    }),
});

export const drhdNoScope = dmarCheck({
  id: 'dmar-drhd-no-scope',
  severity: 'warning',
  description: 'a DRHD without INCLUDE_PCI_ALL and without device scopes: the unit translates nothing (Linux ignores it)',
  run: (dmar) =>
    dmar.of('DRHD')
      .filter((u) => !isIncludeAll(u.s) && u.s.deviceScopes.length === 0)
      .map((u) => ({
        path: u.path,
        message: `${unitName(u)} is not include-all and lists no device scope, so no device is behind it; Linux ignores such a unit`,
      })),
});

export const drhdDuplicateBase = dmarCheck({
  id: 'dmar-drhd-duplicate-base',
  severity: 'error',
  description: 'two DRHDs with one register base address: two units cannot share one register set',
  run: (dmar) =>
    repeats(dmar.of('DRHD'), (u) => u.s.registerBaseAddress).map(({ item, first }) => ({
      path: item.path,
      message: `${unitName(item)} has the register base address of ${unitName(first)}; two units cannot share one register set`,
    })),
});

export const rhsaUnknownBase = dmarCheck({
  id: 'dmar-rhsa-unknown-base',
  severity: 'error',
  description: 'an RHSA names a register base address that no DRHD has, so its proximity domain applies to nothing',
  run: (dmar) =>
    unmatched(dmar.of('RHSA'), dmar.of('DRHD'), (r) => r.s.registerBaseAddress, (u) => u.s.registerBaseAddress).map((r) => ({
      path: r.path,
      message:
        `RHSA gives proximity domain ${r.s.proximityDomain} to the unit at ${formatAddress(r.s.registerBaseAddress)}, ` +
        'but no DRHD has that register base; Linux ignores it and the unit gets no NUMA node',
    })),
});

/** Structures that belong to a segment and mean something only where a unit translates that segment. */
const SEGMENT_STRUCTURES = ['RMRR', 'ATSR', 'SATC', 'SIDP'] as const;

export const segmentWithoutDrhd = dmarCheck({
  id: 'dmar-segment-without-drhd',
  severity: 'error',
  description: 'an RMRR, ATSR, SATC or SIDP for a PCI segment that no DRHD covers: no unit can use what it says',
  run: (dmar) =>
    SEGMENT_STRUCTURES.flatMap((kind) =>
      unmatched(dmar.of(kind), dmar.of('DRHD'), (p) => p.s.segmentNumber, (u) => u.s.segmentNumber).map((p) => ({
        path: p.path,
        message: `${kind} for PCI segment ${p.s.segmentNumber}, but no DRHD covers segment ${p.s.segmentNumber}: no remapping unit can use it`,
      })),
    ),
});
