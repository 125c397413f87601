/**
 * What `decode` shows about a VIOT (decode-findings.ts: an endpoint whose
 * Output Node is not an IOMMU node; one naming no node's start is never
 * clean), told for a clean table from its references alone, so that printing
 * it needs no model. The same rule as live-endpoints.ts, which says it from
 * the model.
 */
import type { ReferenceGraph } from '../../codec/clean-walk.js';
import { isIommuNode, type ViotNode } from './model.js';

/** True when a clean VIOT has none of the findings `decode` shows (viot-output-not-iommu). */
export function viotQuietWhenClean(g: ReferenceGraph): boolean {
  const nodes = g.items.get('nodes') ?? [];
  // A node of a clean table is of a known type, which the model names as its declaration does.
  return g.references.every((r) => r.key !== 'outputNode' || isIommuNode({ type: nodes[r.to] } as ViotNode));
}
