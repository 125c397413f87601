/**
 * The map as a human table: one line per translation, then one per device,
 * then the MMIO devices. The translation line reads
 * `0000:00:00.0-0000:01:1f.7 -> smmuv3@0x9050000 +0x0 (IORT)`: RID range,
 * IOMMU, output ID of the first RID, and who said so.
 */
import { formatSbdf } from '../model/rid.js';
import { mmioPlace, type DeviceMsi, type TranslationMap } from '../model/translation-map.js';
import { formatAliasList, formatAssignment, hex } from './format-common.js';
import { joinPieces, Lines } from './text-pieces.js';
import { appendAll } from '../append.js';

/**
 * Each item's row as left-aligned columns, one line each onto `lines`; the
 * last column is not padded. The rows are made twice, once to measure the
 * columns and once to print them, rather than all held at once: at a million
 * devices that was a million arrays of cells alive until the last was made.
 * Widths as they always were: each row's cells widen the columns it has (a
 * shorter row sets the count of columns measured). `tail` is a last column
 * some rows may have (none or one cell): never padded, so never measured, and
 * made only once, when the row is printed (a device's MSI target is a lookup,
 * ~7 s of a million-device build when made twice).
 */
function pushColumns<T>(lines: Lines, items: readonly T[], cells: (item: T) => string[], tail: (item: T) => string[] = () => []): void {
  const widths: number[] = [];
  for (const item of items) {
    const row = cells(item);
    // A tail cell is last, unpadded: the columns before it are measured as when it was measured with them.
    for (let i = 0; i < row.length; i++) widths[i] = Math.max(widths[i] ?? 0, row[i]!.length);
    widths.length = row.length;
  }
  // Line by line, not push(...rows): a spread passes one argument per device and overflows the stack at ~150k.
  for (const item of items) {
    const row = cells(item);
    appendAll(row, tail(item));
    lines.add(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
  }
}

export function formatMapText(map: TranslationMap): string {
  return joinPieces((write) => writeMapText(map, write));
}

/** formatMapText's text, handed to `write` a piece at a time (each piece whole lines). */
export function writeMapText(map: TranslationMap, write: (text: string) => void): void {
  const lines = new Lines(write);
  lines.add('translations:');
  const gaps = map.gaps ?? [];
  // A partial map never claims that nothing is translated: it says what it could not resolve.
  if (map.translations.length === 0) lines.add(gaps.length ? `(none resolved: ${gaps.map((g) => g.missing).join('; ')})` : '(none: nothing is translated)');
  for (const t of map.translations) {
    lines.add(
      `${formatSbdf(t.segment, t.first)}-${formatSbdf(t.segment, t.last)} -> ${t.iommu} +${hex(t.outputBase)} (${t.source})`,
    );
  }
  if (gaps.length && map.translations.length) lines.add(`(partial: ${gaps.map((g) => g.missing).join('; ')})`);
  if (map.devices) {
    lines.add('', 'devices:');
    pushColumns(lines, map.devices, (d) => [
      d.id,
      formatSbdf(d.segment, d.rid),
      `aliases ${formatAliasList(d.aliases)}`,
      formatAssignment(d.iommu, d.outputIds, d.refused),
      `group ${d.group}`,
    ], (d) => msiColumn(map.deviceMsi?.(d)));
  }
  if (map.mmio.length > 0) {
    lines.add('', 'mmio:');
    pushColumns(lines, map.mmio, (m) => [m.id ?? '-', mmioPlace(m), formatAssignment(m.iommu, m.outputIds), `(${m.source})`], (m) => msiColumn(m.msi));
  }
  if (map.msi) {
    // The MSI side: which ITS each RID's MSIs reach, with the DeviceID of the first.
    lines.add('', 'msi:');
    if (map.msi.length === 0) lines.add('(none: no RID\'s MSIs reach an ITS)');
    for (const m of map.msi) lines.add(`${formatSbdf(m.segment, m.first)}-${formatSbdf(m.segment, m.last)} -> ${m.its} +${hex(m.deviceIdBase)} (${m.source})`);
  }
  lines.end();
}

/** The MSI column: `msi its#0 [0x100]`, `msi none` when the device's MSIs reach no ITS, nothing where its map has no MSI side. */
function msiColumn(msi: Pick<DeviceMsi, 'its' | 'deviceId'> | null | undefined): string[] {
  if (msi === undefined) return [];
  return [msi ? `msi ${msi.its} [${hex(msi.deviceId)}]` : 'msi none'];
}
