/**
 * The map as a human table: one line per translation, then one per device,
 * then the MMIO devices. The translation line reads
 * `0000:00:00.0-0000:01:1f.7 -> smmuv3@0x9050000 +0x0 (IORT)`: RID range,
 * IOMMU, output ID of the first RID, and who said so.
 */
import { formatSbdf } from '../model/rid.js';
import { mmioPlace, type DeviceMsi, type TranslationMap } from '../model/translation-map.js';
import { formatAliasList, formatAssignment, hex } from './format-common.js';

/** Left-aligned columns; the last column is not padded. */
function columns(rows: readonly string[][]): string[] {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}

export function formatMapText(map: TranslationMap): string {
  const lines: string[] = ['translations:'];
  const gaps = map.gaps ?? [];
  // A partial map never claims that nothing is translated: it says what it could not resolve.
  if (map.translations.length === 0) lines.push(gaps.length ? `(none resolved: ${gaps.map((g) => g.missing).join('; ')})` : '(none: nothing is translated)');
  for (const t of map.translations) {
    lines.push(
      `${formatSbdf(t.segment, t.first)}-${formatSbdf(t.segment, t.last)} -> ${t.iommu} +${hex(t.outputBase)} (${t.source})`,
    );
  }
  if (gaps.length && map.translations.length) lines.push(`(partial: ${gaps.map((g) => g.missing).join('; ')})`);
  // Line by line, not push(...rows): a spread passes one argument per device and overflows the stack at ~150k.
  if (map.devices) {
    lines.push('', 'devices:');
    const rows = columns(map.devices.map((d) => [
      d.id,
      formatSbdf(d.segment, d.rid),
      `aliases ${formatAliasList(d.aliases)}`,
      formatAssignment(d.iommu, d.outputIds, d.refused),
      `group ${d.group}`,
      ...msiColumn(map.deviceMsi?.(d)),
    ]));
    for (const row of rows) lines.push(row);
  }
  if (map.mmio.length > 0) {
    lines.push('', 'mmio:');
    const rows = columns(map.mmio.map((m) => [m.id ?? '-', mmioPlace(m), formatAssignment(m.iommu, m.outputIds), `(${m.source})`, ...msiColumn(m.msi)]));
    for (const row of rows) lines.push(row);
  }
  if (map.msi) {
    // The MSI side: which ITS each RID's MSIs reach, with the DeviceID of the first.
    lines.push('', 'msi:');
    if (map.msi.length === 0) lines.push('(none: no RID\'s MSIs reach an ITS)');
    for (const m of map.msi) lines.push(`${formatSbdf(m.segment, m.first)}-${formatSbdf(m.segment, m.last)} -> ${m.its} +${hex(m.deviceIdBase)} (${m.source})`);
  }
  return lines.join('\n') + '\n';
}

/** The MSI column: `msi its#0 [0x100]`, `msi none` when the device's MSIs reach no ITS, nothing where its map has no MSI side. */
function msiColumn(msi: Pick<DeviceMsi, 'its' | 'deviceId'> | null | undefined): string[] {
  if (msi === undefined) return [];
  return [msi ? `msi ${msi.its} [${hex(msi.deviceId)}]` : 'msi none'];
}
