/**
 * The tree as DTS text, laid out as dtc -O dts lays it out: `/dts-v1/;`, a
 * blank line, the memory reservations, then the nodes with one tab per
 * level, labels before names, properties before children and a blank line
 * before each child. Values print through dts-value-text.ts.
 *
 * Phandles that layout would assign are not printed: the references say
 * which nodes need one, and dtc assigns the same numbers from them (the rule
 * in layout.ts), so the text stays as a person would write it. Lines are
 * collected and joined once, so large trees print in linear time.
 */
import { valueText } from './dts-value-text.js';
import { fullName, openClose, type DtProperty, type DtTree } from './tree.js';

function labelPrefix(labels: readonly string[]): string {
  return labels.map((l) => `${l}: `).join('');
}

function propertyLine(p: DtProperty): string {
  const value = valueText(p.value);
  return `${labelPrefix(p.labels)}${p.name}${value === '' ? '' : ` = ${value}`};`;
}

function hex64(v: bigint): string {
  return `0x${BigInt.asUintN(64, v).toString(16).padStart(16, '0')}`;
}

export function formatDts(tree: DtTree): string {
  const lines: string[] = ['/dts-v1/;', ''];
  for (const r of tree.memoryReservations) lines.push(`${labelPrefix(r.labels)}/memreserve/\t${hex64(r.address)} ${hex64(r.size)};`);
  for (const { kind, node, depth } of openClose(tree.root)) {
    const indent = '\t'.repeat(depth);
    if (kind === 'close') {
      lines.push(`${indent}};`);
      continue;
    }
    if (depth > 0) lines.push('');
    lines.push(`${indent}${labelPrefix(node.labels)}${depth === 0 ? '/' : fullName(node)} {`);
    for (const p of node.properties) lines.push(`${indent}\t${propertyLine(p)}`);
  }
  return lines.join('\n') + '\n';
}
