/**
 * The VIOT's checks: where Linux's node walk (acpi_viot_init) breaks, as
 * decoding the VIOT's declaration finds it, and what live-endpoints.ts finds
 * following Output Nodes, under codes that are the checks' own ids
 * (table-findings.ts). The resolver's other codes (a short endpoint or IOMMU
 * node, ...) are listed by the runner under their own codes.
 */
import { findingChecks } from '../table-findings.js';
import { VIOT_FINDINGS } from './finding-rows.js';

export const VIOT_CHECKS = findingChecks(VIOT_FINDINGS);
