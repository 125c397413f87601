/**
 * The rows of every format whose checks its finding functions make
 * (table-findings.ts), without the checks: `decode` (decode-findings.ts)
 * takes the ones it shows from here, so a small decode builds none of the
 * checks (issue 21). A format with such rows adds its finding-rows.ts export
 * here; test/checks/format-findings.test.ts fails when one is missing.
 */
import { IORT_FINDINGS } from './iort/finding-rows.js';
import { IVRS_FINDINGS } from './ivrs/finding-rows.js';
import { RIMT_FINDINGS } from './rimt/finding-rows.js';
import type { FormatFindings } from './table-findings.js';
import { VIOT_FINDINGS } from './viot/finding-rows.js';

export const FORMAT_FINDINGS: readonly FormatFindings[] = [IORT_FINDINGS, VIOT_FINDINGS, IVRS_FINDINGS, RIMT_FINDINGS];
