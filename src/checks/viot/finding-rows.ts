/**
 * The VIOT's checks that its finding functions make, as rows (ids, severities,
 * where each finding comes from, what `decode` does with it): plain data, so
 * that `decode` (decode-findings.ts) reads which findings it shows without
 * building the checks (index.ts builds them from these rows).
 */
import { ViotDecodeCode } from '../../acpi/viot/spec.js';
import type { FormatFindings } from '../table-findings.js';

export const VIOT_FINDINGS: FormatFindings = {
  format: 'VIOT',
  rows: [
    {
      id: ViotDecodeCode.nodeOffset,
      severity: 'error',
      from: 'decode',
      description: 'the header\'s Node Offset lies inside the 48-byte header or past the table end: Linux finds no node',
    },
    {
      id: ViotDecodeCode.nodeCount,
      severity: 'error',
      from: 'decode',
      description: 'the table ends before Node Count nodes: Linux stops there, and the nodes it expected are not in the table',
    },
    {
      id: ViotDecodeCode.outputNode,
      severity: 'error',
      from: 'decode',
      // Linux's walk then finds no IOMMU node there: the same fault, said by live-endpoints.ts.
      sameFault: ['viot-output-dangling'],
      description: 'an endpoint\'s Output Node is not the offset of a node: Linux drops the endpoint ("No IOMMU node found")',
    },
    {
      id: 'viot-output-not-iommu',
      severity: 'error',
      decode: 'shown',
      description: 'an endpoint\'s Output Node names a node that is not an IOMMU: Linux drops the endpoint ("No IOMMU node found")',
    },
    {
      id: 'viot-iommu-not-found',
      severity: 'error',
      from: 'map',
      needsTopology: true,
      description: 'with a topology: an endpoint\'s Output Node names a virtio-iommu-pci at a BDF where the topology has no PCI function; Linux drops the endpoint',
    },
  ],
};
