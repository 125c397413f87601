/**
 * The map JSON contract (DESIGN.md, `map --format json`). Key order is part
 * of the contract (golden files compare text): translations, then devices,
 * then mmio, then msi (the MSI side, where the map has one), then partial (what the tables leave out); optional parts appear
 * only when present.
 */
import { formatAddress } from '../model/address.js';
import { formatBdf } from '../model/rid.js';
import type { DeviceEntry, DeviceMsiOf, MmioTranslation, Translation, TranslationMap } from '../model/translation-map.js';
import { joinPieces, Lines } from './text-pieces.js';

export interface TranslationJson {
  segment: number;
  first: string;
  last: string;
  iommu: string;
  outputBase: number;
  source: string;
}

export interface DeviceJson {
  id: string;
  segment: number;
  bdf: string;
  aliases: string[];
  iommu: string | null;
  outputIds: number[];
  group: string;
  /** Present when the tables translate the device but Linux refuses it (its `iommu` is then null). */
  refused?: { iommu: string; outputIds: number[]; finding: string; reason: string };
  /** Present when the map has an MSI side: the ITS and DeviceID of the requester ID the device's MSIs carry; null: they reach no ITS. */
  msi?: { its: string; deviceId: number; bdf: string } | null;
}

/** The MSI side (Arm): RIDs first..last send MSIs to `its` with DeviceID deviceIdBase + (r − first). */
export interface MsiJson {
  segment: number;
  first: string;
  last: string;
  its: string;
  deviceIdBase: number;
  source: string;
}

export interface MmioJson {
  id?: string;
  /** Absent for an IORT named component mapped without a topology: the table gives it no address (addressBits instead). */
  base?: string;
  addressBits?: number;
  iommu: string;
  outputIds: number[];
  source: string;
  /** Present when the input says where the device's MSIs go: the ITS and DeviceID; null: no ITS. */
  msi?: { its: string; deviceId: number } | null;
}

/** A part of the tables the map leaves out (MapGap), so a partial map is never read as a whole one. */
export interface GapJson {
  table: string;
  file?: string;
  message: string;
}

export interface MapJson {
  translations: TranslationJson[];
  devices?: DeviceJson[];
  mmio?: MmioJson[];
  msi?: MsiJson[];
  partial?: GapJson[];
}

function translationJson(t: Translation): TranslationJson {
  return {
    segment: t.segment,
    first: formatBdf(t.first),
    last: formatBdf(t.last),
    iommu: t.iommu,
    outputBase: t.outputBase,
    source: t.source,
  };
}

function deviceJson(d: DeviceEntry, msiOf: DeviceMsiOf | undefined): DeviceJson {
  const msi = msiOf?.(d);
  return {
    id: d.id,
    segment: d.segment,
    bdf: formatBdf(d.rid),
    aliases: d.aliases.map(formatBdf),
    iommu: d.iommu,
    outputIds: [...d.outputIds],
    group: d.group,
    ...(d.refused ? { refused: { iommu: d.refused.iommu, outputIds: [...d.refused.outputIds], finding: d.refused.code, reason: d.refused.reason } } : {}),
    ...(msi === undefined ? {} : { msi: msi && { its: msi.its, deviceId: msi.deviceId, bdf: formatBdf(msi.rid) } }),
  };
}

function mmioJson(m: MmioTranslation): MmioJson {
  return {
    ...(m.id === undefined ? {} : { id: m.id }),
    ...(m.base === undefined ? {} : { base: formatAddress(m.base) }),
    ...(m.addressBits === undefined ? {} : { addressBits: m.addressBits }),
    iommu: m.iommu,
    outputIds: [...m.outputIds],
    source: m.source,
    ...(m.msi === undefined ? {} : { msi: m.msi && { its: m.msi.its, deviceId: m.msi.deviceId } }),
  };
}

/** One key of the map JSON: its list and how each item becomes JSON (typed where made: mapJsonParts's part). */
interface MapJsonPart {
  key: keyof MapJson;
  items: readonly unknown[];
  json: (item: unknown) => unknown;
}

/** The map JSON's keys in the contract's order, those the map has; one list that mapToJson and writeMapJson both follow. */
function mapJsonParts(map: TranslationMap): MapJsonPart[] {
  const part = <K extends keyof MapJson, T>(key: K, items: readonly T[], json: (item: T) => NonNullable<MapJson[K]>[number]): MapJsonPart =>
    ({ key, items, json: json as (item: unknown) => unknown });
  const msiOf = map.deviceMsi;
  return [
    part('translations', map.translations, translationJson),
    ...(map.devices === undefined ? [] : [part('devices', map.devices, (d) => deviceJson(d, msiOf))]),
    ...(map.mmio.length === 0 ? [] : [part('mmio', map.mmio, mmioJson)]),
    ...(map.msi === undefined ? [] : [part('msi', map.msi, (m) => ({ segment: m.segment, first: formatBdf(m.first), last: formatBdf(m.last), its: m.its, deviceIdBase: m.deviceIdBase, source: m.source }))]),
    ...(map.gaps?.length ? [part('partial', map.gaps, (g) => ({ table: g.table, ...(g.file ? { file: g.file } : {}), message: g.message }))] : []),
  ];
}

export function mapToJson(map: TranslationMap): MapJson {
  const json: Partial<MapJson> = {};
  for (const p of mapJsonParts(map)) (json as Record<string, unknown>)[p.key] = p.items.map(p.json);
  return json as MapJson;
}

/** Items stringified at a time: ~50 KB of JSON, below V8's large-object size (128 KB), so each text dies young. */
const JSON_BATCH = 128;

/**
 * `JSON.stringify(mapToJson(map), null, 2)` and a newline, handed to `write`
 * a piece at a time (text-pieces.ts): items are made and stringified a batch
 * at a time and die young, where the whole tree of a million devices' objects
 * and its one string were alive at once (issue 21). The same text: the top
 * level is laid out here as JSON.stringify lays it out (two spaces a level),
 * and each batch is JSON.stringify's own text of `{ key: batch }`, whose items
 * sit at the depth the map's own list puts them, less the braces and brackets
 * around them.
 */
export function writeMapJson(map: TranslationMap, write: (text: string) => void): void {
  const lines = new Lines(write);
  const parts = mapJsonParts(map);
  lines.add('{');
  parts.forEach((p, i) => {
    const comma = i === parts.length - 1 ? '' : ',';
    const key = JSON.stringify(p.key);
    if (p.items.length === 0) {
      lines.add(`  ${key}: []${comma}`);
      return;
    }
    lines.add(`  ${key}: [`);
    const open = `{\n  ${key}: [\n`.length;
    const close = '\n  ]\n}'.length;
    for (let at = 0; at < p.items.length; at += JSON_BATCH) {
      const text = JSON.stringify({ [p.key]: p.items.slice(at, at + JSON_BATCH).map((item) => p.json(item)) }, null, 2);
      lines.add(`${text.slice(open, text.length - close)}${at + JSON_BATCH < p.items.length ? ',' : ''}`);
    }
    lines.add(`  ]${comma}`);
  });
  lines.add('}');
  lines.end();
}

export function formatMapJson(map: TranslationMap): string {
  return joinPieces((write) => writeMapJson(map, write));
}
