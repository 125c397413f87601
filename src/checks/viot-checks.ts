/**
 * VIOT findings that are named checks: the resolver (acpi/viot/resolve.ts)
 * walks the table as Linux's acpi_viot_init does and finds them under codes
 * that are the checks' own ids (map-finding-checks.ts).
 */
import { ViotDecodeCode } from '../acpi/viot/spec.js';
import { mapFindingChecks, type MapFindingRow } from './map-finding-checks.js';

const ROWS: readonly MapFindingRow[] = [
  {
    id: ViotDecodeCode.nodeOffset,
    severity: 'error',
    decode: 'unusable',
    description: 'the header\'s Node Offset lies inside the 48-byte header or past the table end: Linux finds no node',
  },
  {
    id: ViotDecodeCode.nodeCount,
    severity: 'error',
    decode: 'unusable',
    description: 'the table ends before Node Count nodes: Linux stops there, and the nodes it expected are not in the table',
  },
  {
    id: ViotDecodeCode.outputNode,
    severity: 'error',
    decode: 'unusable',
    description: 'an endpoint\'s Output Node is not the offset of a node: Linux drops the endpoint ("No IOMMU node found")',
  },
  {
    id: 'viot-output-not-iommu',
    severity: 'error',
    decode: 'shown',
    description: 'an endpoint\'s Output Node names a node that is not an IOMMU: Linux drops the endpoint ("No IOMMU node found")',
  },
];

export const VIOT_CHECKS = mapFindingChecks('VIOT', ROWS);
