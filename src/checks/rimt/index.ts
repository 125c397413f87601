/**
 * The RIMT's checks: where Linux's node walk (drivers/acpi/riscv/rimt.c)
 * breaks, as decoding the RIMT's declaration finds it, under codes that are
 * the checks' own ids (spec.ts's `codes`). No resolver yet: what only a map
 * would show (a root complex without a mapping for a device) is not checked.
 */
import { RimtDecodeCode } from '../../acpi/rimt/spec.js';
import { findingChecks, type FindingRow } from '../table-findings.js';

const ROWS: readonly FindingRow[] = [
  {
    id: RimtDecodeCode.nodeOffset,
    severity: 'error',
    from: 'decode',
    description: 'the header\'s Offset to RIMT Node Array lies inside the 48-byte header or past the table end: Linux finds no node',
  },
  {
    id: RimtDecodeCode.nodeCount,
    severity: 'error',
    from: 'decode',
    description: 'the table ends before Number of RIMT Nodes nodes: Linux stops there ("RIMT node pointer overflows, bad table!")',
  },
  {
    id: RimtDecodeCode.danglingReference,
    severity: 'error',
    from: 'decode',
    description: 'an ID mapping\'s Destination IOMMU Offset is not the offset of a node: Linux finds no IOMMU for those IDs',
  },
];

export const RIMT_CHECKS = findingChecks('RIMT', ROWS);
