/**
 * Named checks on a Device Tree (DESIGN practice 5): one record per check,
 * kebab-case id, severity, and a function from the laid-out tree to
 * findings. Each id has a negative fixture, test/fixtures/dt/<id>.dts, that
 * raises exactly it.
 *
 * Not here yet: `dt-acpi-disagree` (the DT and the board's IORT/VIOT map a
 * device differently). It compares two resolved maps of the same board, so it
 * belongs with the cross-format consistency checks once the IORT and VIOT
 * resolvers exist; resolveDt already produces the DT side of that comparison.
 */
import type { Diagnostic, Severity } from '../diagnostic.js';
import { u32Value } from './cells.js';
import { allIdMaps, idMapRejected, ID_MAP_ROW_BYTES, maskIgnoresBase, maskName, type IdMap, type IdMapRow } from './id-map.js';
import { childPropertyPath, layoutTree, propertyBytes, refText, type DtLayout } from './layout.js';
import { describeGap, msiCoverageGaps } from './msi-coverage.js';
import { badNodeName, badPropertyName } from './names.js';
import { pciHosts } from './pci-hosts.js';
import { phandleEntries } from './phandle-list.js';
import { hasSymbolicCells, type DtTree } from './tree.js';

export interface DtFinding {
  path: string;
  message: string;
}

export interface DtCheckContext {
  layout: DtLayout;
  /** Every iommu-map and msi-map, in tree order. */
  maps: IdMap[];
}

export interface DtCheck {
  id: string;
  severity: Severity;
  description: string;
  run(ctx: DtCheckContext): DtFinding[];
}

const hex = (n: number) => `0x${n.toString(16)}`;
const rowText = (map: IdMap, row: IdMapRow) => `${map.name} row ${row.index} (${hex(row.idBase)}, ${hex(row.phandle)}, ${hex(row.outBase)}, ${hex(row.length)})`;

/** Maps whose rows are what Linux reads: readable length and no unknown macros. */
function readableMaps(ctx: DtCheckContext): IdMap[] {
  return ctx.maps.filter((m) => !m.unresolved && !idMapRejected(m));
}

/** The cells property a map's targets declare: #iommu-cells for iommu-map, #msi-cells for msi-map. */
function specifierCellsName(map: IdMap): string {
  return map.name === 'iommu-map' ? '#iommu-cells' : '#msi-cells';
}

function rowWidth(ctx: DtCheckContext): DtFinding[] {
  return readableMaps(ctx).flatMap((map) =>
    map.rows.flatMap((row) => {
      const cells = row.target && u32Value(propertyBytes(ctx.layout, row.target, specifierCellsName(map)));
      if (cells === undefined || cells === 1) return [];
      return [{
        path: map.path,
        message:
          `${rowText(map, row)} points at ${ctx.layout.pathOf.get(row.target!)}, which has ${specifierCellsName(map)} = <${cells}>; ` +
          'of_map_id reads 4-cell rows with a 1-cell specifier, so this map is misread',
      }];
    }),
  );
}

/**
 * Rows that cover the same IDs: rows sorted by base, each compared with the
 * row reaching furthest among those before it, so a map of 65,536 rows costs
 * a sort, not 2^31 pairs. Every row that starts inside an earlier one is
 * reported once, with that row.
 */
function overlap(ctx: DtCheckContext): DtFinding[] {
  const out: DtFinding[] = [];
  const end = (r: IdMapRow) => r.idBase + r.length;
  for (const map of readableMaps(ctx)) {
    const byBase = map.rows.filter((r) => r.length > 0).sort((x, y) => x.idBase - y.idBase || x.index - y.index);
    let reach: IdMapRow | undefined;
    for (const row of byBase) {
      if (reach && row.idBase < end(reach)) {
        const [a, b] = reach.index < row.index ? [reach, row] : [row, reach];
        out.push({
          path: map.path,
          message: `rows ${a.index} and ${b.index} both cover IDs ${hex(row.idBase)}-${hex(Math.min(end(reach), end(row)) - 1)}; the first match wins, so row ${b.index} is never used for them`,
        });
      }
      if (!reach || end(row) > end(reach)) reach = row;
    }
  }
  return out;
}

function zeroLength(ctx: DtCheckContext): DtFinding[] {
  return readableMaps(ctx).flatMap((map) =>
    map.rows.filter((r) => r.length === 0).map((row) => ({ path: map.path, message: `${rowText(map, row)} has length 0 and matches nothing (length is a count)` })),
  );
}

function maskBase(ctx: DtCheckContext): DtFinding[] {
  return readableMaps(ctx).flatMap((map) =>
    map.rows
      .filter((row) => maskIgnoresBase(map, row))
      .map((row) => ({
        path: map.path,
        message: `${rowText(map, row)}: id-base has bits outside ${maskName(map.name)} ${hex(map.mask)}; of_map_id fails every lookup that reaches this row (-EFAULT)`,
      })),
  );
}

/** Phandle lists read numerically (as from a DTB), each entry sized by its provider's cells property. */
const PHANDLE_LISTS: Record<string, string | null> = { iommus: '#iommu-cells', 'msi-parent': '#msi-cells', 'interrupt-parent': null };

function danglingNumeric(ctx: DtCheckContext): DtFinding[] {
  const { layout } = ctx;
  const out: DtFinding[] = [];
  for (const [node, path] of layout.pathOf) {
    for (const p of node.properties) {
      const cellsName = PHANDLE_LISTS[p.name];
      // A DTS reference that does not resolve is reported by name, not as its placeholder.
      if (cellsName === undefined || hasSymbolicCells(p.value)) continue;
      for (const entry of phandleEntries(layout, layout.bytesOf.get(p)!, cellsName)) {
        if (!entry.provider) out.push({ path: childPropertyPath(path, p.name), message: `phandle ${hex(entry.phandle)} names no node` });
      }
    }
  }
  return out;
}

function dangling(ctx: DtCheckContext): DtFinding[] {
  const symbolic = ctx.layout.dangling.map((d) => ({ path: d.path, message: `reference ${refText(d.ref)} names no node` }));
  // Rows of a DTS map whose reference is dangling are reported above, by name.
  const rows = readableMaps(ctx)
    .filter((map) => !ctx.layout.dangling.some((d) => d.path === map.path))
    .flatMap((map) => map.rows.filter((r) => !r.target).map((row) => ({ path: map.path, message: `${rowText(map, row)}: phandle ${hex(row.phandle)} names no node` })));
  return [...symbolic, ...rows, ...danglingNumeric(ctx)];
}

function badLength(ctx: DtCheckContext): DtFinding[] {
  return ctx.maps.flatMap((map) => {
    const out: DtFinding[] = [];
    if (map.byteLength === 0 || map.byteLength % ID_MAP_ROW_BYTES !== 0) {
      out.push({ path: map.path, message: `${map.name} is ${map.byteLength} bytes; of_map_id needs a non-zero multiple of ${ID_MAP_ROW_BYTES} and rejects the whole map` });
    }
    if (map.badMaskLength !== undefined) {
      out.push({ path: `${map.path}-mask`, message: `${maskName(map.name)} is ${map.badMaskLength} bytes, not one cell` });
    }
    return out;
  });
}

/**
 * Two PCI host nodes with one linux,pci-domain: Linux takes each domain once
 * (of_pci_bus_find_domain_nr), so the second host fails to probe (-ENOSPC,
 * "Scanning root bridge failed") and its devices vanish.
 */
function duplicateDomain(ctx: DtCheckContext): DtFinding[] {
  const firstWith = new Map<number, string>();
  const out: DtFinding[] = [];
  for (const host of pciHosts(ctx.layout)) {
    if (!propertyBytes(ctx.layout, host.node, 'linux,pci-domain')) continue;
    const first = firstWith.get(host.segment);
    if (first === undefined) firstWith.set(host.segment, host.path);
    else {
      out.push({
        path: childPropertyPath(host.path, 'linux,pci-domain'),
        message: `domain ${host.segment} is also ${first}'s; Linux refuses a domain already taken, so this host fails to probe (-ENOSPC) and its devices vanish`,
      });
    }
  }
  return out;
}

/** Node and property names outside the specification's characters (a DTB can hold any bytes in a name). */
function invalidNames(ctx: DtCheckContext): DtFinding[] {
  const out: DtFinding[] = [];
  // Paths are escaped as in JSON here: a name may hold quotes or line breaks, which would forge a message line.
  const escaped = (path: string) => JSON.stringify(path).slice(1, -1);
  for (const [node, path] of ctx.layout.pathOf) {
    const bad = badNodeName(node, path === '/');
    if (bad) out.push({ path: escaped(path), message: bad });
    for (const p of node.properties) {
      const why = badPropertyName(p.name);
      if (why) out.push({ path: escaped(childPropertyPath(path, p.name)), message: why });
    }
  }
  return out;
}

function fromLayout(code: string) {
  return (ctx: DtCheckContext): DtFinding[] => ctx.layout.diagnostics.filter((d) => d.code === code).map((d) => ({ path: d.path ?? '/', message: d.message }));
}

export const DT_CHECKS: readonly DtCheck[] = [
  { id: 'dt-bad-length', severity: 'error', description: 'iommu-map / msi-map not a non-zero multiple of 16 bytes, or a mask that is not one cell', run: badLength },
  { id: 'dt-iommu-map-row-width', severity: 'error', description: "a map row's target has #iommu-cells / #msi-cells other than 1", run: rowWidth },
  { id: 'dt-iommu-map-overlap', severity: 'warning', description: 'two rows of one map cover the same IDs', run: overlap },
  { id: 'dt-iommu-map-zero-length', severity: 'warning', description: 'a map row with length 0', run: zeroLength },
  { id: 'dt-iommu-map-mask-ignores-base', severity: 'error', description: 'a row id-base with bits the mask clears (-EFAULT)', run: maskBase },
  { id: 'dt-dangling-phandle', severity: 'error', description: 'a phandle that names no node (a DTS reference that names none is refused as the DTS is read)', run: dangling },
  {
    id: 'dt-msi-map-coverage',
    severity: 'warning',
    description: 'a PCI host whose iommu-map and msi-map cover different RIDs',
    run: (ctx) => msiCoverageGaps(ctx.layout).map((gap) => ({ path: gap.path, message: describeGap(gap) })),
  },
  { id: 'dt-pci-domain-duplicate', severity: 'error', description: 'two PCI host nodes with one linux,pci-domain (Linux probes only the first)', run: duplicateDomain },
  { id: 'dt-name-invalid', severity: 'error', description: 'a node or property name with characters the specification does not allow (DTS cannot spell some of them)', run: invalidNames },
  { id: 'dt-duplicate-label', severity: 'error', description: 'one label on two nodes', run: fromLayout('dt-duplicate-label') },
  { id: 'dt-bad-phandle', severity: 'error', description: 'a phandle property that is not one valid cell, or used by two nodes', run: fromLayout('dt-bad-phandle') },
];

export function runDtChecks(layout: DtLayout, only?: ReadonlySet<string>): Diagnostic[] {
  const ctx: DtCheckContext = { layout, maps: allIdMaps(layout) };
  return DT_CHECKS.filter((c) => !only || only.has(c.id)).flatMap((c) =>
    c.run(ctx).map((f): Diagnostic => ({ severity: c.severity, code: c.id, path: f.path, message: f.message })),
  );
}

export function checkDt(tree: DtTree): Diagnostic[] {
  return runDtChecks(layoutTree(tree));
}
