/**
 * The RIMT's checks that its finding functions make, as rows (ids, severities,
 * where each finding comes from, what `decode` does with it): plain data, so
 * that `decode` (decode-findings.ts) reads which findings it shows without
 * building the checks (index.ts builds them from these rows).
 */
import { RimtDecodeCode } from '../../acpi/rimt/spec.js';
import type { FormatFindings } from '../table-findings.js';

export const RIMT_FINDINGS: FormatFindings = {
  format: 'RIMT',
  rows: [
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
    {
      id: 'rimt-root-complex-duplicate',
      severity: 'warning',
      description: 'a second PCIe root complex node for one PCIe segment: Linux takes the first and never reads the second\'s ID mappings',
    },
    {
      id: 'rimt-range-overlap',
      severity: 'warning',
      description: 'two ID mappings of one node cover the same IDs (Source ID Base + Number of IDs is the last, inclusive): Linux uses the first in the table',
    },
    {
      id: 'rimt-destination-not-iommu',
      severity: 'warning',
      decode: 'shown',
      description: 'an ID mapping\'s Destination IOMMU Offset names a root complex or platform device (Linux follows its mappings on) or a node of a reserved type (the IDs keep no IOMMU)',
    },
    {
      id: 'rimt-reference-cycle',
      severity: 'error',
      decode: 'shown',
      description: 'ID mappings lead from node to node in a loop that keeps matching: Linux\'s walk (rimt_node_map_id) never ends for those IDs',
    },
    {
      id: 'rimt-platform-device-iommus',
      severity: 'warning',
      description: 'a platform device\'s ID mappings reach two IOMMUs: Linux gives a device one IOMMU (iommu_fwspec_init), so the mappings from the first to reach another give it nothing',
    },
    {
      id: 'rimt-iommu-not-found',
      severity: 'error',
      from: 'map',
      needsTopology: true,
      description: 'with a topology: an IOMMU node (by base, or a PCIe IOMMU by segment and B/D/F) that no IOMMU of the topology is: Linux never registers it, and the devices mapped to it wait for it',
    },
    {
      id: 'rimt-iommu-self',
      severity: 'warning',
      description: 'a PCIe IOMMU\'s own RID is mapped to that IOMMU: rimt.c has no exception for it (QEMU leaves the RID out); the map leaves it untranslated',
    },
  ],
};
