/**
 * VIOT → translation map, the way Linux uses the table (drivers/acpi/viot.c):
 * - a PCI alias RID `r` of segment `s` matches a range when segmentStart ≤ s ≤
 *   segmentEnd and bdfStart ≤ r ≤ bdfEnd (inclusive), and gets endpoint ID
 *   ((s − segmentStart) << 16) + (r − bdfStart) + endpointStart, as a u32;
 * - ranges are looked up newest first (list_add), so where they overlap the
 *   later node in the table wins: painting the RID table in table order,
 *   later paint over earlier, gives the same answer;
 * - a device is never translated by itself: the virtio-iommu-pci's own RID is
 *   left out of the ranges that point at it;
 * - an MMIO endpoint matches the platform device whose first MMIO resource
 *   starts at its base; of several nodes with one base, the last one wins.
 * Which endpoints count at all (short nodes, Output Nodes that name no usable
 * IOMMU) is live-endpoints.ts.
 *
 * VIOT holds live bus numbers: with a topology, devices are looked up under
 * the topology's numbering, which must be the one the table was built for.
 */
import type { Model } from '../../codec/index.js';
import type { Diagnostic } from '../../diagnostic.js';
import { deviceEntries } from '../../model/devices.js';
import { formatAddress } from '../../model/address.js';
import type { ResolvedTopology } from '../../model/resolved.js';
import { RidTable } from '../../model/rid-table.js';
import { formatSbdf } from '../../model/rid.js';
import { GAP_REMEDY, type MmioTranslation, type TranslationMap } from '../../model/translation-map.js';
import { asViotTable } from './nodes.js';
import { LIVE_ENDPOINT_CODES, liveEndpoints, type LiveEndpoint, type LiveEndpoints } from './live-endpoints.js';
import type { ViotMmioEndpoint, ViotPciRange, ViotTable } from './model.js';
import { conventionFinding, rangeOverlaps } from './range-findings.js';
import { appendAll } from '../../append.js';

export const VIOT_SOURCE = 'VIOT';
/** Endpoint IDs are u32: Linux's arithmetic wraps there. */
const ID_SPACE = 2 ** 32;
/** Without a topology a range over more segments than this maps only its first ones. */
const MAX_SEGMENTS_MAPPED = 16;

export function resolveViot(table: ViotTable, resolved?: ResolvedTopology): TranslationMap {
  const live = liveEndpoints(table, resolved);
  const findings = [...live.findings];
  const rids = new RidTable();
  for (const range of live.ranges) paintRange(rids, range, resolved, findings);
  leaveOutSelf(rids, table, live, findings);
  appendAll(findings, rangeOverlaps(live.ranges));
  const mmio = mmioEntries(live.mmio, resolved, findings);
  const allRanges = table.nodes.flatMap((node, i) => (node.type === 'PciRange' ? [{ node, path: live.paths[i]! }] : []));
  const convention = conventionFinding(allRanges);
  if (convention) findings.push(convention);

  const translations = rids.translations(VIOT_SOURCE);
  const map: TranslationMap = { translations, entries: rids.entries(), mmio, findings };
  // Ranges cut to their first segments (viot-range-segments, one info each) make the map partial: say so once.
  const cut = resolved ? 0 : findings.filter((d) => d.code === 'viot-range-segments').length;
  if (cut) {
    map.gaps = [{
      table: VIOT_SOURCE,
      missing: `${cut} VIOT range${cut === 1 ? '' : 's'} cut to ${MAX_SEGMENTS_MAPPED} segments`,
      message:
        `${cut} PCI range node${cut === 1 ? ' spans' : 's span'} more than ${MAX_SEGMENTS_MAPPED} segments; without a topology ` +
        `the map lists only the first ${MAX_SEGMENTS_MAPPED} of each: ${GAP_REMEDY}`,
    }];
  }
  if (resolved) map.devices = deviceEntries(resolved.functions, translations, resolved.linux.profile);
  return map;
}

const LIVE_CODES: ReadonlySet<string> = new Set(LIVE_ENDPOINT_CODES);

/**
 * The map's findings about the table itself (the registry's `findings`).
 * Given codes none of which is a VIOT code beyond liveEndpoints' (every VIOT
 * code starts `viot-`), liveEndpoints' findings are enough: `decode` shows
 * one of them, and painting 64 Ki RIDs a segment for it was most of a small
 * VIOT's decode.
 */
export function viotFindings(model: Model, codes?: ReadonlySet<string>): Diagnostic[] {
  const table = asViotTable(model);
  if (codes && ![...codes].some((c) => c.startsWith('viot-') && !LIVE_CODES.has(c))) return liveEndpoints(table).findings;
  return resolveViot(table).findings;
}

/** resolveViot for the model a table resolver gets (what decodeTable made of a VIOT). */
export function resolveViotModel(model: Model, resolved?: ResolvedTopology): TranslationMap {
  return resolveViot(asViotTable(model), resolved);
}

function paintRange(rids: RidTable, range: LiveEndpoint<ViotPciRange>, resolved: ResolvedTopology | undefined, findings: Diagnostic[]): void {
  const { segmentStart, segmentEnd, bdfStart, bdfEnd, endpointStart } = range.node;
  if (segmentEnd < segmentStart || bdfEnd < bdfStart) {
    findings.push({ severity: 'warning', code: 'viot-range-empty', path: range.path,
      message: `the range is empty (segments ${segmentStart}–${segmentEnd}, BDFs 0x${bdfStart.toString(16)}–0x${bdfEnd.toString(16)}): it matches no device` });
    return;
  }
  for (const segment of segmentsToMap(range, resolved, findings)) {
    const base = ((segment - segmentStart) * 0x10000 + endpointStart) % ID_SPACE;
    const room = ID_SPACE - base;
    const origin = { path: range.path };
    if (bdfEnd - bdfStart < room) {
      rids.setRange(segment, bdfStart, bdfEnd, range.iommu, base, 1, origin);
    } else {
      // The u32 endpoint ID wraps inside the range, as Linux's arithmetic does.
      rids.setRange(segment, bdfStart, bdfStart + room - 1, range.iommu, base, 1, origin);
      rids.setRange(segment, bdfStart + room, bdfEnd, range.iommu, 0, 1, origin);
    }
  }
}

/**
 * The segments of a range that the map lists: all of them, unless there are
 * more than MAX_SEGMENTS_MAPPED (a 64 Ki-entry RID plane each); then those
 * of the topology's host bridges, or without a topology the first ones.
 */
function segmentsToMap(range: LiveEndpoint<ViotPciRange>, resolved: ResolvedTopology | undefined, findings: Diagnostic[]): number[] {
  const { segmentStart, segmentEnd } = range.node;
  const count = segmentEnd - segmentStart + 1;
  const all = (n: number) => Array.from({ length: n }, (_, i) => segmentStart + i);
  if (count <= MAX_SEGMENTS_MAPPED) return all(count);
  const chosen = resolved
    ? [...new Set(resolved.hostBridges.map((hb) => hb.segment))].filter((s) => s >= segmentStart && s <= segmentEnd).sort((a, b) => a - b)
    : all(MAX_SEGMENTS_MAPPED);
  findings.push({
    severity: 'info',
    code: 'viot-range-segments',
    path: range.path,
    message: `the range spans ${count} segments; the map lists ${resolved ? "the topology's" : `the first ${MAX_SEGMENTS_MAPPED}`} (${chosen.join(', ') || 'none'})`,
  });
  return chosen;
}

/** Linux refuses to let the virtio-iommu-pci translate itself ("We're not translating ourself"). */
function leaveOutSelf(rids: RidTable, table: ViotTable, live: LiveEndpoints, findings: Diagnostic[]): void {
  const seen = new Set<string>();
  for (const { iommu, iommuNode } of live.ranges) {
    if (iommuNode.type !== 'VirtioIommuPci' || seen.has(iommu)) continue;
    seen.add(iommu);
    if (rids.at(iommuNode.segment, iommuNode.bdf) !== iommu) continue;
    rids.set(iommuNode.segment, iommuNode.bdf, null);
    findings.push({
      severity: 'info',
      code: 'viot-iommu-self',
      path: live.paths[table.nodes.indexOf(iommuNode)]!,
      message: `a range covers the virtio-iommu's own RID ${formatSbdf(iommuNode.segment, iommuNode.bdf)}; ` +
        'Linux never lets a device translate itself, so it is left out of the map',
    });
  }
}

function mmioEntries(endpoints: readonly LiveEndpoint<ViotMmioEndpoint>[], resolved: ResolvedTopology | undefined, findings: Diagnostic[]): MmioTranslation[] {
  const winners = new Map<bigint, LiveEndpoint<ViotMmioEndpoint>>();
  for (const e of endpoints) {
    const earlier = winners.get(e.node.baseAddress);
    if (earlier) {
      findings.push({ severity: 'warning', code: 'viot-mmio-duplicate', path: e.path,
        message: `${earlier.path} has the same base ${formatAddress(e.node.baseAddress)}: Linux gives the device only this later node's endpoint ID` });
    }
    winners.set(e.node.baseAddress, e);
  }
  return [...winners.values()]
    .sort((a, b) => (a.node.baseAddress < b.node.baseAddress ? -1 : 1))
    .map((e) => {
      const entry: MmioTranslation = { base: e.node.baseAddress, iommu: e.iommu, outputIds: [e.node.endpoint], source: VIOT_SOURCE };
      if (!resolved) return entry;
      const device = resolved.platformDevices.find((d) => d.base === e.node.baseAddress);
      if (device) return { id: device.id, ...entry };
      findings.push({ severity: 'warning', code: 'viot-mmio-no-device', path: e.path,
        message: `no platform device of the topology has its MMIO base at ${formatAddress(e.node.baseAddress)}: the endpoint matches nothing` });
      return entry;
    });
}
