/**
 * The IORT's checks: what decoding the IORT's declaration finds (acpi/iort/
 * spec.ts walks Node Count nodes from Node Offset and places each node's
 * arrays; table-checks.ts), and what its finding functions (findings.ts,
 * msi-findings.ts) find walking the table the way Linux does, under codes
 * that are the checks' own ids (table-findings.ts). The resolver's other
 * codes are listed by the runner under their own codes.
 */
import { findingChecks } from '../table-findings.js';
import { IORT_FINDINGS } from './finding-rows.js';
import { IORT_MADT_CHECKS } from './madt-checks.js';

export const IORT_CHECKS = [...findingChecks(IORT_FINDINGS), ...IORT_MADT_CHECKS];
