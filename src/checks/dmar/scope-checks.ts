/**
 * Device scopes across DRHDs: a device (or an I/O APIC, an HPET) belongs to
 * one remapping unit; and an ATSR either reports all root ports or lists
 * them, not both.
 */
import { formatScopePath } from '../../acpi/dmar/pci-scope.js';
import { DmarScopeType } from '../../acpi/dmar/spec.js';
import type { Check } from '../check.js';
import { dmarCheck } from './define.js';
import { isPciScope, repeats, shortPath, type DmarView, type PlacedScope } from './structures.js';

const drhdScopes = (dmar: DmarView, keep: (p: PlacedScope) => boolean) =>
  dmar.scopes.filter((p) => p.parent.s.type === 'DRHD' && keep(p));

export const atsrAllPortsWithScopes = dmarCheck({
  id: 'dmar-atsr-all-ports-with-scopes',
  severity: 'warning',
  description: 'an ATSR with ALL_PORTS set that also lists device scopes: the scopes mean nothing (ALL_PORTS already covers every root port)',
  run: (dmar) =>
    dmar.of('ATSR')
      .filter((p) => (p.s.flags & 1) !== 0 && p.s.deviceScopes.length > 0)
      .map((p) => ({
        path: p.path,
        message: `ATSR for segment ${p.s.segmentNumber} has ALL_PORTS set and also lists ${p.s.deviceScopes.length} device scope(s); with ALL_PORTS the scopes must be left out`,
      })),
});

/**
 * I/O APICs and HPETs: one interrupt source under two units has two units to
 * remap it. Repeats under one unit are not a conflict: Linux keeps the first
 * and ignores the rest, and firmware routinely lists an HPET once per
 * comparator (same HPET number, source-ids xx:0f.0 to xx:0f.7).
 */
function interruptSourceDuplicate(id: string, type: number, what: string): Check {
  return dmarCheck({
    id,
    severity: 'error',
    description: `scopes of two DRHDs name one ${what} (same Enumeration ID): its interrupts can be remapped by one unit only`,
    run: (dmar) =>
      repeats(drhdScopes(dmar, (p) => p.scope.type === type), (p) => p.scope.enumerationId)
        .filter(({ item, first }) => item.parent !== first.parent)
        .map(({ item, first }) => ({
          path: item.path,
          message:
            `${what} ${item.scope.enumerationId} is under ${shortPath(first.parent.path)} and under ${shortPath(item.parent.path)}; ` +
            'its interrupts can be remapped by one unit only (Linux takes the unit it parses first)',
        })),
  });
}

export const ioapicDuplicate = interruptSourceDuplicate('dmar-ioapic-duplicate', DmarScopeType.IOAPIC, 'I/O APIC');
export const hpetDuplicate = interruptSourceDuplicate('dmar-hpet-duplicate', DmarScopeType.MSI_CAPABLE_HPET, 'HPET');

export const scopeInTwoDrhds = dmarCheck({
  id: 'dmar-scope-in-two-drhds',
  severity: 'error',
  description: 'one PCI scope (start bus and path) in two DRHDs: two units claim one device',
  run: (dmar) =>
    repeats(drhdScopes(dmar, (p) => isPciScope(p.scope)), (p) => `${p.segment}:${formatScopePath(p.scope)}`)
      .filter(({ item, first }) => item.parent !== first.parent)
      .map(({ item, first }) => ({
        path: item.path,
        message:
          `${formatScopePath(item.scope)} is named by ${shortPath(first.parent.path)} and by ${shortPath(item.parent.path)}; ` +
          'Linux binds it to whichever unit it searches first (the later DRHD in the table), other OSes may not',
      })),
});
