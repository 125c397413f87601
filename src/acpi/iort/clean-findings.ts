/**
 * What `decode` shows about an IORT (decode-findings.ts: a reference to the
 * node it is in, references going round in circles; one naming no node's
 * start is never clean), told for a clean table from its references alone,
 * so that printing it needs no model. The same rules as findings.ts, which
 * says them from the model.
 */
import type { ReferenceGraph } from '../../codec/clean-walk.js';
import { referenceCycles } from './reference-cycles.js';

/** True when a clean IORT has none of the findings `decode` shows. */
export function iortQuietWhenClean(g: ReferenceGraph): boolean {
  const nodes = g.items.get('nodes') ?? [];
  const edges: number[][] = nodes.map(() => []);
  for (const r of g.references) {
    // iort-self-reference: an ID mapping's Output Reference, or a PMCG's Node Reference, naming its own node.
    if (r.from === r.to) return false;
    // Cycles are walks through ID mappings (a PMCG's Node Reference is not walked).
    if (r.key === 'outputReference' && r.from >= 0) edges[r.from]!.push(r.to);
  }
  // iort-reference-cycle.
  return referenceCycles(edges).length === 0;
}
