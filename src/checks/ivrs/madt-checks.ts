/**
 * IVRS checks that need the machine's MADT (checks/madt-of.ts): its I/O
 * APICs against the IVRS's IOAPIC special entries (acpi/ivrs/madt-ioapics.ts);
 * without an MADT these checks find nothing.
 */
import { IvrsCode } from '../../acpi/ivrs/codes.js';
import { madtIoapicFindings } from '../../acpi/ivrs/madt-ioapics.js';
import { readIvrs } from '../../acpi/ivrs/resolve.js';
import type { Diagnostic } from '../../diagnostic.js';
import { reporting, tableCheck, type Check } from '../check.js';
import type { TableContext } from '../context.js';
import { madtOf } from '../madt-of.js';

function findings(ctx: TableContext): Diagnostic[] {
  return ctx.session.onceFor(ctx.table, 'ivrs-madt-ioapics', () => {
    const madt = madtOf(ctx);
    return madt ? madtIoapicFindings(readIvrs(ctx.table.model), madt) : [];
  });
}

const row = (id: string, description: string): Check =>
  tableCheck({
    id,
    severity: 'warning',
    description,
    needs: { table: 'IVRS' },
    run: (ctx) => findings(ctx).filter((d) => d.code === id).map((d) => reporting(d, id)),
  });

export const IVRS_MADT_CHECKS: readonly Check[] = [
  row(
    IvrsCode.ioapicNotInIvrs,
    'with the MADT: an I/O APIC of the MADT has no IOAPIC special entry (48h, variety 1, Handle = its APIC ID) in the IVHDs Linux ' +
      'uses: Linux prints "IOAPIC[id] not in IVRS table" and disables interrupt remapping, unless the southbridge IOAPIC comes later ' +
      'in the MADT (DMA translation is unaffected)',
  ),
  row(
    IvrsCode.noSouthbridgeIoapic,
    'with the MADT: the IVRS names IOAPICs, but none of the MADT\'s I/O APICs has its entry at 00:14.0 of segment 0, where Linux ' +
      'expects the southbridge IOAPIC: "No southbridge IOAPIC found", interrupt remapping disabled (DMA translation is unaffected)',
  ),
];
