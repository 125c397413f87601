/**
 * The IORT's checks: what the IORT's finding functions (acpi/iort: the full
 * read, findings.ts, msi-findings.ts) find while reading and walking the
 * table the way Linux does, under codes that are the checks' own ids
 * (table-findings.ts). The resolver's other codes are listed by the runner
 * under their own codes.
 */
import { IortCode } from '../../acpi/iort/codes.js';
import { findingChecks, type FindingRow } from '../table-findings.js';

const ROWS: readonly FindingRow[] = [
  {
    id: IortCode.msiUnreachable,
    severity: 'error',
    // The MSI walks run only in the map (every RID walked to an ITS group).
    from: 'map',
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
  {
    id: IortCode.nodeOffset,
    severity: 'error',
    decode: 'unusable',
    description: 'the header\'s Node Offset lies inside the 48-byte header or past the table end: Linux finds no node where it says',
  },
  {
    id: IortCode.nodeCount,
    severity: 'error',
    decode: 'unusable',
    description: 'Node Count says more nodes than the table holds: Linux walks past the last node into whatever follows',
  },
  {
    id: IortCode.arrayOutsideNode,
    severity: 'error',
    decode: 'unusable',
    description: 'a node\'s ID mappings (or interrupt, RMR descriptor array) run past its Length; the node is kept as bytes',
  },
  {
    id: IortCode.arrayOverlap,
    severity: 'error',
    decode: 'unusable',
    description: 'two arrays of one node overlap, or one overlaps the node\'s fixed fields; the node is kept as bytes',
  },
  {
    id: IortCode.nameUnterminated,
    severity: 'error',
    decode: 'unusable',
    description: 'a named component\'s device name has no NUL before the end of its node: Linux reads past it',
  },
  {
    id: IortCode.danglingReference,
    severity: 'error',
    decode: 'shown',
    description: 'an output reference (or PMCG node reference) that is no node\'s start: Linux reads whatever is at that offset as a node',
  },
  {
    id: IortCode.selfReference,
    severity: 'error',
    decode: 'shown',
    description: 'a node maps IDs to itself: a walk through it never reaches an IOMMU',
  },
  {
    id: IortCode.referenceCycle,
    severity: 'error',
    decode: 'shown',
    description: 'output references go round in a cycle: a walk that enters it never reaches an IOMMU',
  },
];

export const IORT_CHECKS = findingChecks('IORT', ROWS);
