/**
 * The IORT's checks that its finding functions make, as rows (ids, severities,
 * where each finding comes from, what `decode` does with it): plain data, so
 * that `decode` (decode-findings.ts) reads which findings it shows without
 * building the checks (index.ts builds them from these rows).
 */
import { IortCode } from '../../acpi/iort/codes.js';
import type { FormatFindings } from '../table-findings.js';

export const IORT_FINDINGS: FormatFindings = {
  format: 'IORT',
  rows: [
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
      id: IortCode.msiDeviceIdShared,
      severity: 'warning',
      from: 'map',
      description:
        'requester IDs of different PCI devices whose MSIs reach one ITS group with the same DeviceID (two SMMUs handing on ' +
        'overlapping stream IDs unchanged, or a direct range onto an SMMU\'s): Linux puts the later device on the earlier one\'s ' +
        'interrupt translation table, sized for that device alone, so its MSIs may fail to allocate',
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
      from: 'decode',
      description: 'the header\'s Node Offset lies inside the 48-byte header or past the table end: Linux finds no node where it says',
    },
    {
      id: IortCode.nodeCount,
      severity: 'error',
      from: 'decode',
      description: 'Node Count says more nodes than the table holds: Linux walks past the last node into whatever follows',
    },
    {
      id: IortCode.arrayOutsideNode,
      severity: 'error',
      from: 'decode',
      description: 'a node\'s ID mappings (or interrupt, RMR descriptor array) run past its Length; the node is kept as bytes',
    },
    {
      id: IortCode.arrayOverlap,
      severity: 'error',
      from: 'decode',
      description: 'two arrays of one node overlap, or one overlaps the node\'s fixed fields; the node is kept as bytes',
    },
    {
      id: IortCode.nameUnterminated,
      severity: 'error',
      from: 'decode',
      description: 'a named component\'s device name has no NUL before the end of its node: Linux reads past it',
    },
    {
      id: IortCode.bytesAfterNodes,
      severity: 'warning',
      from: 'decode',
      description:
        'bytes after the last of the nodes Node Count names, inside the table\'s Length: Linux walks Node Count nodes and ' +
        'never reads them (a node meant to be there is not counted, or the table is padded)',
    },
    {
      id: IortCode.unsupportedRevision,
      severity: 'warning',
      from: 'decode',
      description:
        'table revision 1, 2 or 4 (issues E, E.a, E.c): revisions with known issues that neither ACPICA nor Linux supports; ' +
        'decoded with the E.b+ layout',
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
  ],
};
