/**
 * Findings raised on a table's model name a structure by path
 * (`RIMT/Iommu[0]`); `check`, `decode` and `map` print them with that
 * structure's byte offset, as decode's own diagnostics have one, and `which`
 * names the table entry that decides a device by path and offset.
 */
import { allStructures, structureTree } from '../codec/index.js';
import type { Diagnostic } from '../diagnostic.js';
import type { TableSubject } from './subject.js';

/** A finding that names a structure (or one of its fixed fields) by path gets its offset, as decode diagnostics have (not the table's own 0). */
export function withOffsets(table: TableSubject, findings: Diagnostic[]): Diagnostic[] {
  if (!table.spec || findings.every((d) => d.offset !== undefined || !d.path)) return findings;
  const offsets = structureOffsets(table);
  return findings.map((d) => (d.offset === undefined && d.path && offsets.has(d.path) ? { ...d, offset: offsets.get(d.path)! } : d));
}

/**
 * Where each structure of a struct-declared table sits: a structure by its
 * path, and each of its fixed fields as `path.key`
 * (`VIOT/PciRange[0].outputNode`); empty for a format without a declaration.
 */
export function structureOffsets(table: TableSubject): Map<string, number> {
  const offsets = new Map<string, number>();
  if (!table.spec) return offsets;
  const [, ...inner] = allStructures(structureTree(table.spec, table.model, table.name));
  for (const n of inner) {
    offsets.set(n.path, n.offset);
    for (const f of n.fields) offsets.set(`${n.path}.${f.member.key}`, f.offset);
  }
  return offsets;
}
