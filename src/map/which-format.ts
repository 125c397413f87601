/**
 * `ridmap which` answers as text (one `label  value` line each, as a person
 * reads them) and as JSON (the same facts, BDFs in lspci's form, numbers as
 * numbers, like the map JSON).
 */
import { formatBdf, formatSbdf } from '../model/rid.js';
import { hex } from './format-common.js';
import type { WhichAnswer, WhichEntry } from './which-answer.js';

export interface WhichJson {
  segment: number;
  bdf: string;
  /** With a topology: the device (null: no function at this BDF); absent without one. */
  device?: { id: string; aliases: string[]; group: string; groupDevices: { id: string; segment: number; bdf: string }[] } | null;
  iommu: string | null;
  outputIds: number[];
  source?: string;
  entries: { bdf: string; table: string; file: string; path: string; offset?: number; row?: number }[];
  refused?: { iommu: string; outputIds: number[]; finding: string; reason: string };
  /** Present when the input has an MSI side (Arm): the ITS, the DeviceID, the RID it is of, the entry that decides; null: no ITS. */
  msi?: { its: string; deviceId: number; bdf: string; entry?: EntryJson } | null;
  notes: string[];
}

type EntryJson = WhichJson['entries'][number];

function entryJson(e: WhichEntry): EntryJson {
  return { bdf: formatBdf(e.rid), table: e.table, file: e.file, path: e.path, ...(e.offset === undefined ? {} : { offset: e.offset }), ...(e.row === undefined ? {} : { row: e.row }) };
}

export function whichJson(a: WhichAnswer): WhichJson {
  return {
    segment: a.segment,
    bdf: formatBdf(a.rid),
    ...(a.device === undefined
      ? {}
      : {
        device: a.device && {
          id: a.device.id,
          aliases: a.device.aliases.map(formatBdf),
          group: a.device.group,
          groupDevices: a.device.groupDevices.map((g) => ({ id: g.id, segment: g.segment, bdf: formatBdf(g.rid) })),
        },
      }),
    iommu: a.iommu,
    outputIds: [...a.outputIds],
    ...(a.source === undefined ? {} : { source: a.source }),
    entries: a.entries.map(entryJson),
    ...(a.refused ? { refused: { iommu: a.refused.iommu, outputIds: [...a.refused.outputIds], finding: a.refused.code, reason: a.refused.reason } } : {}),
    ...(a.msi === undefined ? {} : { msi: a.msi && { its: a.msi.its, deviceId: a.msi.deviceId, bdf: formatBdf(a.msi.rid), ...(a.msi.entry ? { entry: entryJson(a.msi.entry) } : {}) } }),
    notes: [...a.notes],
  };
}

/** `DMAR/DRHD[0]/DeviceScope[2] @ 0x58 (dmar.dat)`, `/pcie@10000000/iommu-map row 0 (board.dts)`. */
function entryText(e: WhichEntry): string {
  const where = e.row !== undefined ? ` row ${e.row}` : e.offset !== undefined ? ` @ ${hex(e.offset)}` : '';
  return `${e.path}${where} (${e.file})`;
}

export function formatWhichText(a: WhichAnswer): string {
  const rows: [string, string][] = [];
  const at = formatSbdf(a.segment, a.rid);
  if (a.device === undefined) rows.push(['device', `${at} (no topology)`]);
  else if (a.device === null) rows.push(['device', `${at}: not in the topology`]);
  else {
    rows.push(['device', `${a.device.id} ${at}`]);
    if (a.device.aliases.length > 1) rows.push(['aliases', a.device.aliases.slice(1).map(formatBdf).join(', ') + ' (DMA aliases the IOMMU may see instead)']);
  }
  if (a.refused) rows.push(['iommu', `none: Linux refuses ${a.refused.iommu} (${a.refused.code})`]);
  else rows.push(['iommu', a.iommu === null ? 'none: not translated' : `${a.iommu}${a.source ? ` (${a.source})` : ''}`]);
  const ids = a.refused ? a.refused.outputIds : a.outputIds;
  const aliases = a.device ? a.device.aliases : [a.rid];
  if (ids.length) rows.push(['output ID', ids.map((id, i) => `${hex(id)}${ids.length > 1 ? ` (${formatBdf(aliases[i]!)})` : ''}`).join(', ')]);
  if (a.device === undefined) rows.push(['group', 'unknown: tables alone do not say which bridges the device is behind (its DMA aliases); give --topology, or a snapshot']);
  if (a.device) {
    const others = a.device.groupDevices.filter((g) => g.id !== a.device!.id);
    const members = others.map((g) => `${g.id} ${formatSbdf(g.segment, g.rid)}`).join(', ');
    rows.push(['group', `${a.device.group}${others.length ? `, shared with ${members}` : ' (alone)'}`]);
  }
  // One line per entry, naming the RIDs it decides when the device has more than one (an entry usually decides them all).
  const byEntry = new Map<string, string[]>();
  for (const e of a.entries) {
    const key = entryText(e);
    const rids = byEntry.get(key);
    if (rids) rids.push(formatBdf(e.rid));
    else byEntry.set(key, [formatBdf(e.rid)]);
  }
  for (const [text, rids] of byEntry) rows.push(['entry', `${text}${a.entries.length > 1 ? ` for ${rids.join(', ')}` : ''}`]);
  if (a.msi !== undefined) rows.push(['msi', a.msi ? msiText(a, a.msi) : 'none: its MSIs reach no ITS']);
  for (const n of a.notes) rows.push(['note', n]);
  const width = rows.reduce((w, [label]) => Math.max(w, label.length), 0);
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n') + '\n';
}

/** `its#0 DeviceID 0x100 by IORT/RootComplex[0]/IdMapping[0] @ 0x30 (IORT.dat)`; the RID when a bridge's alias carries the MSIs. */
function msiText(a: WhichAnswer, m: NonNullable<WhichAnswer['msi']>): string {
  const via = m.rid === a.rid ? '' : ` (sent as ${formatBdf(m.rid)})`;
  return `${m.its} DeviceID ${hex(m.deviceId)}${via}${m.entry ? ` by ${entryText(m.entry)}` : ''}`;
}
