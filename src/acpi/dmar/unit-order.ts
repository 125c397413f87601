/**
 * The order of DRHDs in a generated DMAR. Linux searches non-include-all
 * units in reverse table order, so a unit whose scope names a device below
 * another unit's sub-hierarchy scope must come later in the table. This is a
 * stable topological sort (document order where nothing constrains it), with
 * every include-all unit after the others, as the VT-d spec requires (last
 * in its segment).
 */
import type { Diagnostic } from '../../diagnostic.js';
import type { ResolvedIommu } from '../../model/resolved.js';
import type { VtdUnit } from '../../model/topology-schema.js';
import { appendAll } from '../../append.js';

type VtdIommu = ResolvedIommu & { node: VtdUnit };

/** `laterThan` pairs [a, b]: a's DRHD must come after b's. */
export function orderUnits(units: readonly VtdIommu[], laterThan: readonly [string, string][], diagnostics: Diagnostic[]): VtdIommu[] {
  const specific = units.filter((u) => u.node.includeAll !== true);
  const includeAll = units.filter((u) => u.node.includeAll === true);
  const before = new Map<string, Set<string>>(specific.map((u) => [u.id, new Set<string>()]));
  for (const [later, earlier] of laterThan) if (later !== earlier) before.get(later)?.add(earlier);

  const placed: VtdIommu[] = [];
  const done = new Set<string>();
  while (placed.length < specific.length) {
    const next = specific.find((u) => !done.has(u.id) && [...before.get(u.id)!].every((b) => done.has(b)));
    if (!next) {
      const stuck = specific.filter((u) => !done.has(u.id)).map((u) => u.id);
      diagnostics.push({
        severity: 'error',
        code: 'dmar-unit-order-cycle',
        message:
          `VT-d units ${stuck.join(', ')} nest inside each other's scopes in both directions; no DRHD order makes ` +
          'Linux pick the intended unit for every device (it takes the last listed unit whose scope covers a device)',
      });
      appendAll(placed, specific.filter((u) => !done.has(u.id)));
      break;
    }
    placed.push(next);
    done.add(next.id);
  }
  return [...placed, ...includeAll];
}
