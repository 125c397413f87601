/**
 * An `lspci -tv`-like tree per host bridge, annotated with what ridmap
 * resolved: the root bus and the buses in use, [secondary-subordinate] of
 * each bridge, each function's BDF, type, DMA aliases (when there is more
 * than its own RID), IOMMU identity with output IDs, and alias group.
 *
 *   [0000:00] pcie.0 (pcie host bridge, buses 00-03, limit ff)
 *   +-1c.0 [01-03] rp1 pcie-root-port 00:1c.0 -> vtd@0xfed91000 [0xe0] g1
 *   | \-00.0 nic0 pcie-endpoint 01:00.0 -> vtd@0xfed91000 [0x100] g1
 *   \-1f.0 lpc rciep 00:1f.0 -> vtd@0xfed91000 [0xf8] g2
 */
import type { PciFunction, ResolvedTopology } from '../model/resolved.js';
import type { DeviceEntry } from '../model/translation-map.js';
import { formatBdf, formatDevfn } from '../model/rid.js';
import { formatAddress } from '../model/address.js';
import { formatAliasList, formatAssignment, formatBusRange, hex2, identityLookup } from './format-common.js';
import { joinPieces, Lines } from './text-pieces.js';

/** What the tree says of a function's translation: the topology's own, or a table's device entry. */
type Assignment = (f: PciFunction) => { text: string; group: string };

function functionLine(f: PciFunction, assignment: Assignment): string {
  const parts = [formatDevfn(f.devfn)];
  if (f.isBridge) parts.push(formatBusRange(f.secondary!, f.subordinate!));
  parts.push(f.id, f.kind, formatBdf(f.rid));
  if (f.aliases.length > 1) parts.push(`aliases ${formatAliasList(f.aliases)}`);
  const a = assignment(f);
  parts.push(a.text, a.group);
  return parts.join(' ');
}

/** The lines of `functions` and everything behind them, each onto `lines` as it is made. Depth: the buses' nesting, at most 256. */
function subtree(lines: Lines, functions: readonly PciFunction[], prefix: string, assignment: Assignment): void {
  functions.forEach((f, i) => {
    const last = i === functions.length - 1;
    lines.add(`${prefix}${last ? '\\-' : '+-'}${functionLine(f, assignment)}`);
    subtree(lines, f.children, `${prefix}${last ? '  ' : '| '}`, assignment);
  });
}

/**
 * The tree of `resolved`, each function annotated with its own translation,
 * or, with `devices` (a table's map of this topology), with what the table
 * says of it.
 */
export function formatTree(resolved: ResolvedTopology, devices?: readonly DeviceEntry[]): string {
  return joinPieces((write) => writeTree(resolved, devices, write));
}

/** formatTree's text, handed to `write` a piece at a time (text-pieces.ts). */
export function writeTree(resolved: ResolvedTopology, devices: readonly DeviceEntry[] | undefined, write: (text: string) => void): void {
  const identityOf = identityLookup(resolved);
  const byId = devices ? new Map(devices.map((d) => [d.id, d])) : undefined;
  const assignment: Assignment = (f) => {
    const d = byId?.get(f.id);
    if (byId) return d ? { text: formatAssignment(d.iommu, d.outputIds, d.refused), group: d.group } : { text: '-> untranslated', group: f.group };
    return { text: formatAssignment(identityOf(f.iommu), f.outputIds, f.refused), group: f.group };
  };
  const lines = new Lines(write);
  for (const hb of resolved.hostBridges) {
    lines.add(
      `[${hb.segment.toString(16).padStart(4, '0')}:${hex2(hb.rootBus)}] ${hb.id} ` +
        `(${hb.kind} host bridge, buses ${hex2(hb.rootBus)}-${hex2(hb.subordinate)}, limit ${hex2(hb.busLimit)})`,
    );
    subtree(lines, hb.functions, '', assignment);
  }
  if (!byId) {
    for (const d of resolved.platformDevices) {
      lines.add(`platform ${d.id} @${formatAddress(d.base)} ${formatAssignment(identityOf(d.iommu), d.outputIds)}`);
    }
  }
  // A tree of nothing is still one (empty) line, as it always was.
  if (resolved.hostBridges.length === 0 && (byId || resolved.platformDevices.length === 0)) lines.add('');
  lines.end();
}
