/**
 * The map JSON contract (DESIGN.md, `map --format json`). Key order is part
 * of the contract (golden files compare text): translations, then devices,
 * then mmio, then msi (the MSI side, where the map has one), then partial (what the tables leave out); optional parts appear
 * only when present.
 */
import { formatAddress } from '../model/address.js';
import { formatBdf } from '../model/rid.js';
import type { DeviceEntry, DeviceMsiOf, MmioTranslation, Translation, TranslationMap } from '../model/translation-map.js';

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

export function mapToJson(map: TranslationMap): MapJson {
  return {
    translations: map.translations.map(translationJson),
    ...(map.devices === undefined ? {} : { devices: map.devices.map((d) => deviceJson(d, map.deviceMsi)) }),
    ...(map.mmio.length === 0 ? {} : { mmio: map.mmio.map(mmioJson) }),
    ...(map.msi === undefined ? {} : { msi: map.msi.map((m) => ({ segment: m.segment, first: formatBdf(m.first), last: formatBdf(m.last), its: m.its, deviceIdBase: m.deviceIdBase, source: m.source })) }),
    ...(map.gaps?.length ? { partial: map.gaps.map((g) => ({ table: g.table, ...(g.file ? { file: g.file } : {}), message: g.message })) } : {}),
  };
}
