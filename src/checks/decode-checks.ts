/**
 * Checks any table gets from its own decode: the decoder already names every
 * structural problem with a stable code, path and offset, so these checks
 * report those diagnostics under check ids instead of looking again. Codes
 * are grouped by what a firmware engineer has to fix; any other decode error
 * (a format's own walk codes included) is a table-structure finding.
 */
import { AcpiCode } from '../acpi/header.js';
import { IortCode } from '../acpi/iort/codes.js';
import { BinCode } from '../codec/index.js';
import type { Diagnostic } from '../diagnostic.js';
import { ANY_FORMAT, byCodes, claimed, type Check, type TableCheck } from './check.js';
import { DT_CHECK_IDS } from './dt-checks.js';
import { IORT_CHECKS } from './iort-checks.js';
import { VIOT_CHECKS } from './viot-checks.js';

interface DecodeGroup {
  id: string;
  severity: TableCheck['severity'];
  description: string;
  codes: readonly string[];
}

const GROUPS: readonly DecodeGroup[] = [
  {
    id: 'table-checksum',
    severity: 'warning',
    description:
      'the table bytes do not sum to zero (a warning: firmware may fix checksums when it installs tables, ' +
      'and Linux only warns)',
    codes: [AcpiCode.badChecksum],
  },
  {
    id: 'table-length',
    severity: 'error',
    description: 'the header Length does not fit the bytes: shorter than the header, or past the end of the data',
    codes: [AcpiCode.headerTruncated, AcpiCode.lengthBeyondBuffer, AcpiCode.lengthShort],
  },
  {
    id: 'reserved-nonzero',
    severity: 'warning',
    description: 'reserved bytes or reserved flag bits are not zero (a later spec revision may give them a meaning)',
    codes: [BinCode.reservedNonZero, BinCode.reservedBits],
  },
  {
    id: 'unknown-type',
    severity: 'warning',
    description: 'a structure or scope type, or an enumerated value, that the specification reserves (OSes skip it)',
    // IORT says its reserved node types in its own words.
    codes: [BinCode.unknownType, BinCode.unknownEnum, IortCode.unknownNodeType],
  },
  {
    id: 'trailing-bytes',
    severity: 'warning',
    description: 'bytes inside a structure (or after the table) that no field describes',
    codes: [BinCode.trailingBytes, BinCode.partialElement, AcpiCode.bytesAfterTable],
  },
];

const groupChecks: TableCheck[] = GROUPS.map((g) => {
  const claims = byCodes(g.codes);
  return {
    scope: 'table',
    appliesTo: ANY_FORMAT,
    id: g.id,
    severity: g.severity,
    description: g.description,
    claims,
    run: (ctx) => claimed(ctx.table.diagnostics, claims, g.id),
  };
});

// The Device Tree's, IORT's and VIOT's named checks report their own findings (dt-checks.ts, iort-checks.ts,
// viot-checks.ts): claimed here too, the IORT and VIOT ones, which are map findings, would be dropped.
const grouped = new Set([...GROUPS.flatMap((g) => g.codes), ...DT_CHECK_IDS, ...[...IORT_CHECKS, ...VIOT_CHECKS].map((c) => c.id)]);
const otherError = (d: Diagnostic) => d.severity === 'error' && !grouped.has(d.code);

/** Every other decode error: lengths that cannot be followed, truncated structures, unterminated names, ... */
const tableStructure: TableCheck = {
  scope: 'table',
  appliesTo: ANY_FORMAT,
  id: 'table-structure',
  severity: 'error',
  description:
    'a structure cannot be decoded as its length says: truncated, zero or short lengths, lengths that run past ' +
    'their parent, counts that do not fit, names without their NUL',
  claims: otherError,
  run: (ctx) => claimed(ctx.table.diagnostics, otherError, 'table-structure'),
};

export const DECODE_CHECKS: readonly Check[] = [...groupChecks, tableStructure];
