/**
 * `iommu-map` / `msi-map` and Linux's of_map_id (formats.md §5.2): rows of
 * four cells (id-base, phandle, out-base, length), the optional mask, and the
 * lookup of one input ID:
 *   masked = id & mask; for each row in order: id-base & ~mask ≠ 0 is an
 *   error (-EFAULT); a row whose [id-base, id-base + length) holds masked
 *   matches, and its phandle must name a node (-ENODEV); the output is
 *   masked − id-base + out-base. The first matching row wins; no match means
 *   no translation.
 * A property whose length is 0 or not a multiple of 16 bytes is rejected
 * whole (-EINVAL), and so is a mask that is not one cell. Arithmetic is u32,
 * as in the kernel.
 */
import type { DtNode } from './tree.js';
import { u32Cells } from './cells.js';
import { childPropertyPath, propertyBytes, type DtLayout } from './layout.js';

export type IdMapName = 'iommu-map' | 'msi-map';

export const ID_MAP_ROW_CELLS = 4;
export const ID_MAP_ROW_BYTES = ID_MAP_ROW_CELLS * 4;
const ALL_ONES = 0xffffffff;

export interface IdMapRow {
  index: number;
  idBase: number;
  phandle: number;
  /** The node the phandle names, if any. */
  target?: DtNode;
  outBase: number;
  length: number;
}

export interface IdMap {
  name: IdMapName;
  /** `/pcie@10000000/iommu-map`. */
  path: string;
  /** Byte length of the property. */
  byteLength: number;
  mask: number;
  /** Bytes of the mask property when it is present but not one cell. */
  badMaskLength?: number;
  rows: IdMapRow[];
  /** Some cells name undefined macros: the rows are not the real ones. */
  unresolved: boolean;
}

export function maskName(name: IdMapName): string {
  return `${name}-mask`;
}

/** True when Linux would reject the whole map (bad length, bad mask). */
export function idMapRejected(map: IdMap): boolean {
  return map.byteLength === 0 || map.byteLength % ID_MAP_ROW_BYTES !== 0 || map.badMaskLength !== undefined;
}

export function readIdMap(layout: DtLayout, node: DtNode, name: IdMapName): IdMap | undefined {
  const p = node.properties.find((q) => q.name === name);
  if (!p) return undefined;
  const bytes = layout.bytesOf.get(p)!;
  const maskBytes = propertyBytes(layout, node, maskName(name));
  const mask = maskBytes?.length === 4 ? u32Cells(maskBytes)![0]! : ALL_ONES;
  const cells = u32Cells(bytes.subarray(0, bytes.length - (bytes.length % ID_MAP_ROW_BYTES))) ?? [];
  const rows: IdMapRow[] = [];
  for (let i = 0; i + ID_MAP_ROW_CELLS <= cells.length; i += ID_MAP_ROW_CELLS) {
    const phandle = cells[i + 1]!;
    const target = layout.nodeByPhandle.get(phandle);
    rows.push({ index: i / ID_MAP_ROW_CELLS, idBase: cells[i]!, phandle, ...(target ? { target } : {}), outBase: cells[i + 2]!, length: cells[i + 3]! });
  }
  return {
    name,
    path: childPropertyPath(layout.pathOf.get(node)!, name),
    byteLength: bytes.length,
    mask,
    ...(maskBytes !== undefined && maskBytes.length !== 4 ? { badMaskLength: maskBytes.length } : {}),
    rows,
    unresolved: layout.unresolved.has(p),
  };
}

export type MapResult =
  | { kind: 'mapped'; target: DtNode; id: number; row: IdMapRow }
  | { kind: 'error'; reason: 'mask-ignores-base' | 'no-target'; row: IdMapRow }
  | { kind: 'none' };

/** True when `masked` falls in the row's input range (u32 arithmetic, as the kernel's). */
export function rowCovers(row: IdMapRow, masked: number): boolean {
  return masked >= row.idBase && masked < (row.idBase + row.length) >>> 0;
}

export function maskIgnoresBase(map: IdMap, row: IdMapRow): boolean {
  return (row.idBase & ~map.mask) >>> 0 !== 0;
}

export function ofMapId(map: IdMap, id: number): MapResult {
  const masked = (id & map.mask) >>> 0;
  for (const row of map.rows) {
    if (maskIgnoresBase(map, row)) return { kind: 'error', reason: 'mask-ignores-base', row };
    if (!rowCovers(row, masked)) continue;
    if (!row.target) return { kind: 'error', reason: 'no-target', row };
    return { kind: 'mapped', target: row.target, id: (masked - row.idBase + row.outBase) >>> 0, row };
  }
  return { kind: 'none' };
}

/** Every iommu-map and msi-map in the tree, in tree order. */
export function allIdMaps(layout: DtLayout): IdMap[] {
  const maps: IdMap[] = [];
  for (const node of layout.pathOf.keys()) {
    for (const name of ['iommu-map', 'msi-map'] as const) {
      const map = readIdMap(layout, node, name);
      if (map) maps.push(map);
    }
  }
  return maps;
}
