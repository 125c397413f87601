/**
 * What dtc does once the whole source is read: drop `/omit-if-no-ref/`
 * nodes that nothing references, and take boot_cpuid_phys from the first
 * CPU's `reg` (dtc's guess_boot_cpuid: /cpus's first child, a one-cell reg).
 */
import { u32Value } from './cells.js';
import { encodeValue } from './value-bytes.js';
import { findProperty, nodeAtPath, symbolicCells, walkNodes, type DtNode, type DtTree } from './tree.js';

export function omitUnreferenced(tree: DtTree, candidates: ReadonlySet<DtNode>): void {
  if (candidates.size === 0) return;
  const referenced = new Set<DtNode>();
  const byLabel = new Map<string, DtNode>();
  for (const { node } of walkNodes(tree.root)) for (const l of node.labels) byLabel.set(l, node);
  for (const { node } of walkNodes(tree.root)) {
    for (const p of node.properties) {
      for (const { cell } of symbolicCells(p.value)) {
        if (cell.kind === 'unresolved') continue;
        const target = cell.kind === 'label' ? byLabel.get(cell.label) : nodeAtPath(tree.root, cell.path);
        if (target) referenced.add(target);
      }
    }
  }
  for (const { node } of walkNodes(tree.root)) {
    node.children = node.children.filter((c) => !candidates.has(c) || referenced.has(c));
  }
}

export function guessBootCpuid(tree: DtTree): number {
  const cpu = nodeAtPath(tree.root, '/cpus')?.children[0];
  const reg = cpu && findProperty(cpu, 'reg');
  return (reg && u32Value(encodeValue(reg.value, () => undefined))) ?? 0;
}
