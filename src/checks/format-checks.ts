/**
 * The checks of each table format, in one list: registry.ts lists them among
 * every check, and `decode` (decode-findings.ts) takes the ones it reports
 * from here without loading the rest of the registry (the topology,
 * consistency and renumbering checks and what they import), which a small
 * decode would pay for at every start (issue 21). A format adds its
 * checks/<format>/ export here.
 */
import type { Check } from './check.js';
import { DMAR_CHECKS } from './dmar/index.js';
import { DT_TABLE_CHECKS } from './dt/index.js';
import { IORT_CHECKS } from './iort/index.js';
import { IVRS_CHECKS } from './ivrs/index.js';
import { RIMT_CHECKS } from './rimt/index.js';
import { VIOT_CHECKS } from './viot/index.js';

export const FORMAT_CHECKS: readonly Check[] = [...DMAR_CHECKS, ...DT_TABLE_CHECKS, ...IORT_CHECKS, ...VIOT_CHECKS, ...IVRS_CHECKS, ...RIMT_CHECKS];
