/**
 * The checks of each table format, in one list: registry.ts lists them among
 * every check. `decode` builds none of them: it reads the findings it shows
 * from their rows (format-findings.ts), as building every format's checks
 * would cost a small decode at every start (issue 21). A format adds its
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
