/**
 * IORT findings that are named checks: the resolver (acpi/iort/resolve.ts)
 * finds them while walking the table the way Linux does, under codes that
 * are the checks' own ids, so each row claims and reports those from the
 * table's map. (The other resolver codes are still reported as notes under
 * their own codes.)
 */
import { IortCode } from '../acpi/iort/codes.js';
import { byCodes, claimed, type TableCheck } from './check.js';

interface IortCheckRow {
  id: string;
  severity: TableCheck['severity'];
  description: string;
}

const ROWS: readonly IortCheckRow[] = [
  {
    id: IortCode.msiUnreachable,
    severity: 'error',
    description:
      'PCI requester IDs a root complex routes, or a named component, whose MSIs reach no ITS group when walked as Linux ' +
      'walks them (skipping each SMMUv3\'s own DeviceID mapping): Linux gives those devices no MSI domain',
  },
  {
    id: IortCode.rcMappingUnreachable,
    severity: 'warning',
    description:
      'a root complex whose ID mappings all have input ranges above 0xffff (as in Qualcomm IORTs): no 16-bit PCI ' +
      'requester ID can match them, so Linux gives the segment\'s devices neither an SMMU nor an ITS DeviceID from this table',
  },
];

export const IORT_CHECKS: readonly TableCheck[] = ROWS.map((row) => {
  const claims = byCodes([row.id]);
  return {
    scope: 'table',
    appliesTo: 'IORT',
    ...row,
    claims,
    run: (ctx) => claimed(ctx.map()?.findings ?? [], claims, row.id),
  };
});
