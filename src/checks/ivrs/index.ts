/**
 * The IVRS's checks, from the table alone: how its device ranges pair up
 * when Linux walks them (acpi/ivrs/range-findings.ts), under codes that are
 * the checks' own ids (table-findings.ts).
 */
import { IvrsCode } from '../../acpi/ivrs/codes.js';
import { findingChecks, type FindingRow } from '../table-findings.js';

const ROWS: readonly FindingRow[] = [
  {
    id: IvrsCode.rangeInverted,
    severity: 'error',
    decode: 'shown',
    description: 'an IVHD\'s End of Range has a Device ID below its range\'s start: Linux sets up no device of the range',
  },
  {
    id: IvrsCode.rangeEndWithoutStart,
    severity: 'error',
    decode: 'shown',
    description:
      'an IVHD\'s End of Range follows no start entry (03h, 43h, 47h): Linux applies it from the previous range\'s start, ' +
      'or from device 0 of the segment, to devices the table never listed',
  },
];

export const IVRS_CHECKS = findingChecks('IVRS', ROWS);
