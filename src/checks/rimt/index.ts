/**
 * The RIMT's checks: where Linux's node walk (drivers/acpi/riscv/rimt.c)
 * breaks, as decoding the RIMT's declaration finds it, under codes that are
 * the checks' own ids (spec.ts's `codes`); what the table says about itself
 * (acpi/rimt/findings.ts) and what walking its IDs finds (acpi/rimt/resolve.ts).
 */
import { findingChecks } from '../table-findings.js';
import { RIMT_FINDINGS } from './finding-rows.js';

export const RIMT_CHECKS = findingChecks(RIMT_FINDINGS);
