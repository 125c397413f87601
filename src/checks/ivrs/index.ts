/**
 * The IVRS's checks: from the table alone, how its device ranges pair up
 * when Linux walks them (acpi/ivrs/range-findings.ts) and what Linux makes
 * of its IVHDs (acpi/ivrs/resolve.ts); with a topology, whether its aliases
 * are the platform's (acpi/ivrs/ivrs-devices.ts). Codes are the checks' own
 * ids (table-findings.ts).
 */
import { findingChecks } from '../table-findings.js';
import { IVRS_FINDINGS } from './finding-rows.js';
import { IVRS_MADT_CHECKS } from './madt-checks.js';

export const IVRS_CHECKS = [...findingChecks(IVRS_FINDINGS), ...IVRS_MADT_CHECKS];
