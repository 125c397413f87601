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
import { lastCovering } from '../model/rid-table.js';
import { lowerBound } from '../lower-bound.js';
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

/** A run of input IDs that one row maps: ID first + k goes to `target` with output ID `id` + k. */
export interface MappedRun {
  first: number;
  last: number;
  target: DtNode;
  id: number;
  row: IdMapRow;
}

/** First-match pieces of a map, per map: they depend only on its rows. */
const piecesOf = new WeakMap<IdMap, { first: number; last: number; row: IdMapRow }[]>();

/**
 * The map's rows settled into disjoint pieces of the masked-ID space, each
 * with the row of_map_id stops at: the first row (in order) covering it.
 * Rows from the first one whose base the mask ignores are never reached by
 * a lookup that succeeds (every lookup that gets there fails), so they are
 * left out. Cost: a sort and a sweep over the rows, once per map.
 */
function firstMatchPieces(map: IdMap): { first: number; last: number; row: IdMapRow }[] {
  let pieces = piecesOf.get(map);
  if (pieces) return pieces;
  const stop = map.rows.findIndex((row) => maskIgnoresBase(map, row));
  const reachable = (stop < 0 ? map.rows : map.rows.slice(0, stop)).filter((row) => ((row.idBase + row.length) >>> 0) > row.idBase);
  // lastCovering lets the latest span win: give it the rows last first, so the first row wins.
  const spans = reachable.map((row) => ({ first: row.idBase, last: ((row.idBase + row.length) >>> 0) - 1, row })).reverse();
  pieces = lastCovering(spans).map(([first, last, i]) => ({ first, last, row: spans[i]!.row }));
  piecesOf.set(map, pieces);
  return pieces;
}

/** Index of the first piece that ends at or after `id` (binary search; pieces are sorted and disjoint). */
function pieceAtOrAfter(pieces: readonly { last: number }[], id: number): number {
  return lowerBound(pieces.length, (i) => pieces[i]!.last < id);
}

/**
 * ofMapId for every ID of first..last at once, as runs of IDs that map (in
 * ID order; IDs in no run are not translated): the same answers as asking
 * ofMapId ID by ID, in time that follows the rows, not the IDs. When the
 * mask folds IDs of the range together, IDs are looked up one by one (a
 * binary search each), which the range's length bounds.
 */
export function mapIdRange(map: IdMap, first: number, last: number): MappedRun[] {
  const pieces = firstMatchPieces(map);
  const runs: MappedRun[] = [];
  const add = (from: number, to: number, row: IdMapRow) => {
    if (!row.target) return; // -ENODEV: no translation
    const id = (from - row.idBase + row.outBase) >>> 0;
    const prev = runs.at(-1);
    if (prev && prev.row === row && prev.last + 1 === from && ((prev.id + (from - prev.first)) >>> 0) === id) prev.last = to;
    else runs.push({ first: from, last: to, target: row.target, id, row });
  };
  // The highest ID of the range with every lower bit set: the mask keeps the range when it keeps all of those.
  const span = 2 ** Math.ceil(Math.log2(last + 1)) - 1;
  if (((span & ~map.mask) >>> 0) === 0) {
    for (let k = pieceAtOrAfter(pieces, first); k < pieces.length && pieces[k]!.first <= last; k++) {
      const p = pieces[k]!;
      const from = Math.max(p.first, first);
      const to = Math.min(p.last, last);
      // Output IDs are u32: a run whose outputs wrap is two runs.
      const wrapAt = 0x1_0000_0000 - (from - p.row.idBase + p.row.outBase);
      if (to - from >= wrapAt && wrapAt > 0) {
        add(from, from + wrapAt - 1, p.row);
        add(from + wrapAt, to, p.row);
      } else add(from, to, p.row);
    }
    return runs;
  }
  for (let id = first; id <= last; id++) {
    const masked = (id & map.mask) >>> 0;
    const p = pieces[pieceAtOrAfter(pieces, masked)];
    if (!p || p.first > masked) continue;
    const out = (masked - p.row.idBase + p.row.outBase) >>> 0;
    const prev = runs.at(-1);
    if (p.row.target && prev && prev.row === p.row && prev.last + 1 === id && ((prev.id + (id - prev.first)) >>> 0) === out) prev.last = id;
    else if (p.row.target) runs.push({ first: id, last: id, target: p.row.target, id: out, row: p.row });
  }
  return runs;
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
