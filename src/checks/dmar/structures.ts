/**
 * A DMAR's structures and device scopes with the structure paths the
 * decoder gives them (`DMAR/DRHD[1]/DeviceScope[0]`: structures counted per
 * kind, scopes per parent), so that check findings point where decode
 * diagnostics and `ridmap decode` do.
 */
import type { DmarDeviceScope, DmarDrhd, DmarRemappingStructure, DmarTable } from '../../acpi/dmar/model.js';
import { vtdIdentity } from '../../acpi/dmar/resolve.js';
import { DmarScopeType, remappingStructures } from '../../acpi/dmar/spec.js';
import { listItemPaths, RAW_KEY, STORED, TRUNCATED_AT, type Model } from '../../codec/index.js';
import type { TableContext } from '../context.js';

export interface Placed<T> {
  s: T;
  path: string;
}

export interface PlacedScope {
  scope: DmarDeviceScope;
  path: string;
  /** The structure the scope belongs to. */
  parent: Placed<DmarRemappingStructure>;
  segment: number;
}

export type Kind = Exclude<DmarRemappingStructure['type'], number>;

export interface DmarView {
  table: DmarTable;
  structures: Placed<DmarRemappingStructure>[];
  of<K extends Kind>(kind: K): Placed<Extract<DmarRemappingStructure, { type: K }>>[];
  /** Every device scope of every structure that has scopes. */
  scopes: PlacedScope[];
}

export function dmarView(ctx: TableContext): DmarView {
  return ctx.session.onceFor(ctx.table, 'dmar-view', () => view(ctx.table.model as DmarTable, ctx.table.name));
}

/**
 * Only what decoded whole: a structure or scope cut short inside its fields
 * (or kept as raw bytes) lacks the fields checks read, and table-structure
 * already reports it. Paths still count it, as the decoder's do.
 */
const whole = (m: object) => !(RAW_KEY in m) && (m as Model)[STORED]?.[TRUNCATED_AT] === undefined;

function view(table: DmarTable, root: string): DmarView {
  const all = table.remappingStructures ?? [];
  const paths = listItemPaths(root, remappingStructures, all);
  const placed = all.map((s, i) => ({ s, path: paths[i]! }));
  const structures = placed.filter((p) => whole(p.s));
  const scopes = structures.flatMap((parent) => {
    const s = parent.s;
    if (!('deviceScopes' in s)) return [];
    const segment = 'segmentNumber' in s ? s.segmentNumber : 0;
    return (s.deviceScopes ?? []).flatMap((scope, i) => (whole(scope) ? [{ scope, path: `${parent.path}/DeviceScope[${i}]`, parent, segment }] : []));
  });
  return {
    table,
    structures,
    of: <K extends Kind>(kind: K) => structures.filter((p) => p.s.type === kind) as Placed<Extract<DmarRemappingStructure, { type: K }>>[],
    scopes,
  };
}

export const isPciScope = (s: DmarDeviceScope) => s.type === DmarScopeType.PCI_ENDPOINT || s.type === DmarScopeType.PCI_SUB_HIERARCHY;
export const isIncludeAll = (d: DmarDrhd) => (d.flags & 1) !== 0;

/** `DRHD[1] vtd@0xfed91000`: a unit as findings name it (the index from its path). */
export function unitName(p: Placed<DmarDrhd>): string {
  return `${p.path.slice(p.path.lastIndexOf('/') + 1)} ${vtdIdentity(p.s)}`;
}

/** The scope's path relative to the table (`DRHD[0]/DeviceScope[2]`), for messages that name two places. */
export function shortPath(path: string): string {
  return path.slice(path.indexOf('/') + 1);
}

/** Items whose key an earlier item already had, each with that earlier item. */
export function repeats<T, K>(items: readonly T[], key: (item: T) => K): { item: T; first: T }[] {
  const first = new Map<K, T>();
  const out: { item: T; first: T }[] = [];
  for (const item of items) {
    const k = key(item);
    const earlier = first.get(k);
    if (earlier === undefined) first.set(k, item);
    else out.push({ item, first: earlier });
  }
  return out;
}

/** Items whose key none of `others` has (an RHSA for a base no DRHD has, ...). */
export function unmatched<T, U, K>(items: readonly T[], others: readonly U[], key: (item: T) => K, otherKey: (other: U) => K): T[] {
  const known = new Set(others.map(otherKey));
  return items.filter((item) => !known.has(key(item)));
}
