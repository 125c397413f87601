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
  let forward = false;
  let backward = false;
  const refs = g.references;
  // Indexed loops: this runs once per table, mostly before V8 optimises it, and a for-of then makes an iterator result per reference.
  for (let i = 0; i < refs.length; i++) {
    const r = refs[i]!;
    // iort-self-reference: an ID mapping's Output Reference, or a PMCG's Node Reference, naming its own node.
    if (r.from === r.to) return false;
    // Cycles are walks through ID mappings (a PMCG's Node Reference is not walked).
    if (r.key === 'outputReference' && r.from >= 0) {
      if (r.to > r.from) forward = true;
      else backward = true;
    }
  }
  // References that all go the same way (the usual: each to an IOMMU or ITS group before it) cannot go round.
  if (!forward || !backward) return true;
  // iort-reference-cycle.
  const edges: number[][] = (g.items.get('nodes') ?? []).map(() => []);
  for (let i = 0; i < refs.length; i++) {
    const r = refs[i]!;
    if (r.key === 'outputReference' && r.from >= 0) edges[r.from]!.push(r.to);
  }
  return referenceCycles(edges).length === 0;
}
