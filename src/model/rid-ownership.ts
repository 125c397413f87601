/**
 * Which RIDs a node's settings govern (the rule at the top of
 * iommu-assignment.ts): a host bridge its whole bus range; a bridge or port
 * itself and its secondary..subordinate range; an endpoint its own RID and
 * its quirk aliases. Shared by IOMMU assignment and MSI routing so the two
 * can never disagree on who owns a RID.
 */
import { quirkAliasDevfns } from './aliasing.js';
import type { PciFunction, ResolvedHostBridge } from './resolved.js';
import { rid, type Rid } from './rid.js';

/** An inclusive RID range. */
export type RidSpan = readonly [first: Rid, last: Rid];

export function hostBridgeSpan(hb: Pick<ResolvedHostBridge, 'rootBus' | 'busLimit'>): RidSpan {
  return [rid(hb.rootBus, 0), rid(hb.busLimit, 0xff)];
}

export function ownedSpans(f: PciFunction): RidSpan[] {
  const own: RidSpan = [f.rid, f.rid];
  if (f.isBridge) return [own, [rid(f.secondary!, 0), rid(f.subordinate!, 0xff)]];
  return [own, ...quirkAliasDevfns(f.node, f.devfn).map((df): RidSpan => [rid(f.bus, df), rid(f.bus, df)])];
}
