/**
 * A resolved topology under another bus-numbering policy. Numbering is cheap
 * and resolving is not (every function's RID, aliases, IOMMU, group and
 * findings), and policies often agree: a topology without hot-plug
 * reservations or stated bus numbers is numbered the same by `firmware` and
 * `compact`. When every host bridge and bridge gets the buses it has in
 * `base`, every RID and so everything derived from them is the same, and
 * `base` itself is the answer (with the maps already made from it); else the
 * numbering made to tell is the one resolved, not made a second time.
 */
import { numberBuses, type BusNumbering } from './numbering.js';
import { resolveNumbered } from './resolve.js';
import type { ResolvedTopology } from './resolved.js';

export function renumberTopology(base: ResolvedTopology, policy: string): ResolvedTopology {
  if (policy === base.numbering) return base;
  const numbering = numberBuses(base.topology, policy);
  if (sameBuses(base, numbering)) return base;
  return resolveNumbered(base.topology, numbering, base.linux);
}

/** Whether `numbering` gives every host bridge and bridge the buses `base` was resolved with. */
function sameBuses(base: ResolvedTopology, numbering: BusNumbering): boolean {
  for (const hb of base.hostBridges) {
    const n = numbering.hostBridges.get(hb.id);
    if (!n || n.rootBus !== hb.rootBus || n.busLimit !== hb.busLimit || n.subordinate !== hb.subordinate) return false;
  }
  let bridges = 0;
  for (const f of base.functions) {
    if (!f.isBridge) continue;
    bridges++;
    const n = numbering.bridges.get(f.id);
    if (!n || n.secondary !== f.secondary || n.subordinate !== f.subordinate) return false;
  }
  return bridges === numbering.bridges.size && base.hostBridges.length === numbering.hostBridges.size;
}
