/** Text pieces the human map forms (text, tree, dot) share, so they read alike. */
import type { LinuxRefusal } from '../model/translation-map.js';
import type { ResolvedTopology } from '../model/resolved.js';
import { formatBdf, type Rid } from '../model/rid.js';

export const hex = (n: number) => `0x${n.toString(16)}`;
export const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** `02:01.0,02:00.0`: a device's RID and the aliases an IOMMU may see instead. */
export function formatAliasList(aliases: readonly Rid[]): string {
  return aliases.map(formatBdf).join(',');
}

/** `-> vtd@0xfed90000 [0x201,0x200]`, or `-> untranslated`. */
export function formatAssignment(iommu: string | null, outputIds: readonly number[], refused?: LinuxRefusal): string {
  if (refused) return `-> none: Linux refuses ${refused.iommu} [${refused.outputIds.map(hex).join(',')}] (${refused.code})`;
  return iommu === null ? '-> untranslated' : `-> ${iommu} [${outputIds.map(hex).join(',')}]`;
}

/** `[01-03]`: the buses behind a bridge. */
export function formatBusRange(first: number, last: number): string {
  return `[${hex2(first)}-${hex2(last)}]`;
}

/** IOMMU id (as resolved functions and devices carry it) to identity; null stays null. */
export function identityLookup(resolved: ResolvedTopology): (iommuId: string | null) => string | null {
  const identityOf = new Map(resolved.iommus.map((u) => [u.id, u.identity]));
  return (iommuId) => (iommuId === null ? null : (identityOf.get(iommuId) ?? iommuId));
}
