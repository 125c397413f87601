/**
 * The VIOT's checks: where Linux's node walk (acpi_viot_init) breaks, as
 * decoding the VIOT's declaration finds it, and what live-endpoints.ts finds
 * following Output Nodes, under codes that are the checks' own ids
 * (table-findings.ts). The resolver's other codes (a short endpoint or IOMMU
 * node, ...) are listed by the runner under their own codes.
 */
import { ViotDecodeCode } from '../../acpi/viot/spec.js';
import { findingChecks, type FindingRow } from '../table-findings.js';

const ROWS: readonly FindingRow[] = [
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
];

export const VIOT_CHECKS = findingChecks('VIOT', ROWS);
