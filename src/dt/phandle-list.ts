/**
 * A phandle list such as `iommus`: entries of a phandle followed by as many
 * specifier cells as the provider's `#<cells>` property says (0 when absent,
 * or when `cellsName` is null: a plain phandle such as interrupt-parent).
 * Reading stops at a phandle that names no node, since the width of what
 * follows is then unknown.
 */
import { u32Cells, u32Value } from './cells.js';
import { propertyBytes, type DtLayout } from './layout.js';
import type { DtNode } from './tree.js';

export interface PhandleEntry {
  phandle: number;
  /** Undefined for a phandle that names no node (the last entry read). */
  provider?: DtNode;
  specifier: number[];
}

export function* phandleEntries(layout: DtLayout, bytes: Uint8Array, cellsName: string | null): Generator<PhandleEntry> {
  const cells = u32Cells(bytes) ?? [];
  for (let i = 0; i < cells.length; ) {
    const phandle = cells[i]!;
    const provider = layout.nodeByPhandle.get(phandle);
    if (!provider) {
      yield { phandle, specifier: [] };
      return;
    }
    const n = cellsName === null ? 0 : (u32Value(propertyBytes(layout, provider, cellsName)) ?? 0);
    yield { phandle, provider, specifier: cells.slice(i + 1, i + 1 + n) };
    i += 1 + n;
  }
}
