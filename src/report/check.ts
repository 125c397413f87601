/**
 * `ridmap check` on a side: every finding (with its check id) and the
 * summary per table, as `check --format json` writes them.
 */
import { checkInputs } from '../checks/check-inputs.js';
import type { CheckSummary } from '../checks/summary.js';
import type { Diagnostic } from '../diagnostic.js';
import { caught, type Side } from './load-side.js';

export interface CheckView {
  findings: Diagnostic[];
  summary?: CheckSummary;
}

export function checkSide(side: Side): CheckView {
  if (side.inputs.length === 0) return { findings: [] };
  const result = caught(() => checkInputs(side.inputs));
  return 'diagnostics' in result ? { findings: result.diagnostics } : { findings: result.value.findings, summary: result.value.summary };
}
