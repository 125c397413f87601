/**
 * IORT checks that need the machine's MADT (checks/madt-of.ts): its ITS
 * groups' identifiers against the MADT's GIC ITS structures
 * (acpi/iort/madt-its.ts); without an MADT they find nothing.
 */
import { IortCode } from '../../acpi/iort/codes.js';
import { madtItsFindings } from '../../acpi/iort/madt-its.js';
import type { IortTable } from '../../acpi/iort/model.js';
import { reporting, tableCheck, type Check } from '../check.js';
import { madtOf } from '../madt-of.js';

export const IORT_MADT_CHECKS: readonly Check[] = [
  tableCheck({
    id: IortCode.itsNotInMadt,
    severity: 'warning',
    description:
      'with the MADT: an ITS group identifier that no MADT GIC ITS structure has as its Translation ID; a group\'s first ' +
      'identifier is the one Linux uses, and devices mapped to that group then get no MSI domain (no MSI/MSI-X)',
    needs: { table: 'IORT' },
    run: (ctx) => {
      const madt = madtOf(ctx);
      return madt ? madtItsFindings(ctx.table.model as unknown as IortTable, madt).map((d) => reporting(d, IortCode.itsNotInMadt)) : [];
    },
  }),
];
