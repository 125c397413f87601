/**
 * Checks any table gets from its own decode: the decoder is the finding
 * function here, naming every structural problem with a stable code, path
 * and offset, so these checks report its diagnostics under check ids. Codes
 * are grouped by what a firmware engineer has to fix; any other decode error
 * (a format's own walk codes included) is a table-structure finding.
 */
import { AcpiCode } from '../acpi/header.js';
import { IortCode } from '../acpi/iort/codes.js';
import { BinCode } from '../codec/index.js';
import type { Diagnostic } from '../diagnostic.js';
import { ANY_FORMAT, reportCodes, reporting, tableCheck, type Check, type FindingDraft } from './check.js';
import { tableReadDiagnostics } from '../io/load-input.js';

interface DecodeGroup {
  id: string;
  severity: Check['severity'];
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

/** The finding at the diagnostic's own severity when that is info (a draft may lower its check's severity, never raise it). */
function lowered(f: FindingDraft): FindingDraft {
  return f.reports?.[0]?.severity === 'info' ? { ...f, severity: 'info' } : f;
}

/**
 * The decode checks, given the ids of every other check: a decode error
 * under a check's own id (a format's walk codes, the DT checks) is that
 * check's finding, not a table-structure one.
 */
export function decodeChecks(otherIds: ReadonlySet<string>): Check[] {
  const grouped = new Set(GROUPS.flatMap((g) => g.codes));
  const otherErrors = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error' && !grouped.has(d.code) && !otherIds.has(d.code));
  return [
    ...GROUPS.map((g) => {
      const codes = new Set(g.codes);
      return tableCheck({
        id: g.id,
        severity: g.severity,
        description: g.description,
        needs: { table: ANY_FORMAT },
        // A declaration may say a finding matters less in its table (an MADT's reserved types are info: Linux skips them).
        run: (ctx) => reportCodes(tableReadDiagnostics(ctx.table), codes, g.id).map(lowered),
      });
    }),
    /** Every other decode error: lengths that cannot be followed, truncated structures, unterminated names, ... */
    tableCheck({
      id: 'table-structure',
      severity: 'error',
      description:
        'a structure cannot be decoded as its length says: truncated, zero or short lengths, lengths that run past ' +
        'their parent, counts that do not fit, names without their NUL',
      needs: { table: ANY_FORMAT },
      run: (ctx) => otherErrors(tableReadDiagnostics(ctx.table)).map((d) => reporting(d, 'table-structure')),
    }),
  ];
}
